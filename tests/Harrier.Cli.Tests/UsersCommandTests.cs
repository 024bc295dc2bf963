using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier users</c> and <c>harrier serve</c> as a person types them: accounts, tokens, and a real server process answering on loopback.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-users-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private async Task InitAsync() => Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "users")).ExitCode);

    [Fact]
    public async Task Add_prints_a_one_time_password_once_and_list_never_shows_it()
    {
        await InitAsync();
        var added = await CliRunner.RunAsync("users", "add", "ana", "--role", "analyst", "--case", CaseDir, "--json");
        Assert.Equal(0, added.ExitCode);
        var password = JsonDocument.Parse(added.Out).RootElement.GetProperty("oneTimePassword").GetString()!;
        Assert.Equal(20, password.Length);
        var list = await CliRunner.RunAsync("users", "list", "--case", CaseDir);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("ana: analyst, one-time password not yet replaced", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, File.ReadAllText(Path.Combine(CaseDir, "case.db")), StringComparison.Ordinal);
        var audit = await CliRunner.RunAsync("audit", "show", "--case", CaseDir, "--json");
        Assert.Contains("users.add", audit.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(password, audit.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("users add de1 --role reader", "needs --country")]
    [InlineData("users add boss --role coordinator --country DE", "for national-unit readers only")]
    [InlineData("users add de1 --role reader --country Germany", "ISO 3166-1 alpha-2")]
    [InlineData("users add Bad/Name --role analyst", "is not")]
    [InlineData("users token nobody", "no account named nobody")]
    [InlineData("users add x --role admin", "admin")]
    public async Task Bad_account_requests_exit_2_naming_what_is_wrong(string command, string message)
    {
        await InitAsync();
        var r = await CliRunner.RunAsync([.. command.Split(' '), "--case", CaseDir]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_is_taken_once()
    {
        await InitAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("users", "add", "ana", "--role", "analyst", "--case", CaseDir)).ExitCode);
        var again = await CliRunner.RunAsync("users", "add", "ana", "--role", "coordinator", "--case", CaseDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already an account named ana", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_answers_on_loopback_with_the_security_headers_and_a_token_opens_the_api()
    {
        await InitAsync();
        Assert.Equal(0, (await CliRunner.RunAsync("users", "add", "ana", "--role", "analyst", "--case", CaseDir)).ExitCode);
        var token = (await CliRunner.RunAsync("users", "token", "ana", "--case", CaseDir)).Out.Trim();
        var psi = CliRunner.ChildStartInfo(["serve", "--case", CaseDir, "--port", "0", "--json"]);
        using var server = Process.Start(psi)!;
        try
        {
            var first = await server.StandardOutput.ReadLineAsync();
            var address = JsonDocument.Parse(first!).RootElement.GetProperty("address").GetString()!;
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
            var login = await http.GetAsync("/login");
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync("/persons")).StatusCode);
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}

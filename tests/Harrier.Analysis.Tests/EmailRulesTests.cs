using Harrier.Analysis.Persons;

namespace Harrier.Analysis.Tests;

public sealed class EmailRulesTests
{
    [Theory]
    [InlineData("J.Smith+site@GMail.com", "jsmith@gmail.com")]
    [InlineData("j.smith+x@outlook.com", "j.smith@outlook.com")]
    [InlineData("j.smith+x@unknown.example", "j.smith@unknown.example")]
    [InlineData("not-an-address", null)]
    [InlineData("+tag@gmail.com", null)]
    public void Normalise_applies_the_provider_rule(string email, string? expected) => Assert.Equal(expected, new EmailRules().Normalise(email));

    [Fact]
    public void Case_rules_override_built_in_ones()
    {
        var rules = new EmailRules([new EmailProviderRule("mailbox.invalid", IgnoresDots: true, PlusTags: true), new EmailProviderRule("gmail.com", false, false)]);
        Assert.Equal("ab@mailbox.invalid", rules.Normalise("A.b+x@mailbox.invalid"));
        Assert.Equal("a.b+x@gmail.com", rules.Normalise("A.b+x@gmail.com"));
        Assert.Equal("ab+x@gmail.com", rules.DotlessKey("A.b+x@gmail.com"));
    }
}

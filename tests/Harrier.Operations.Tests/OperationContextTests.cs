using Microsoft.Extensions.Time.Testing;

namespace Harrier.Operations.Tests;

public sealed class OperationContextTests
{
    [Fact]
    public void Context_carries_the_actor_and_the_injected_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var ctx = new OperationContext("analyst-1", time);
        Assert.Equal("analyst-1", ctx.Actor);
        Assert.Equal(2026, ctx.Time.GetUtcNow().Year);
        Assert.Null(ctx.Progress);
    }
}

using System.Globalization;

namespace Portico.Tests.Insights;

/// The background reading of the insights figures runs where it cannot slow the pages down.
public sealed class IdleTimeSchedulerTests
{
    /// The nice value of the calling thread, from the kernel (field 19 of its stat line).
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Its_tasks_and_the_rest_of_their_awaits_run_on_one_thread_at_the_lowest_priority()
    {
        using var scheduler = new IdleTimeScheduler("test");
        var outsideNice = NiceOfThisThread();

        var (first, afterYield, afterDelay, nice) = await Task.Factory.StartNew(async () =>
        {
            var first = Environment.CurrentManagedThreadId;
            await Task.Yield();
            var afterYield = Environment.CurrentManagedThreadId;
            await Task.Delay(10);
            return (first, afterYield, Environment.CurrentManagedThreadId, NiceOfThisThread());
        }, CancellationToken.None, TaskCreationOptions.None, scheduler).Unwrap();

        Assert.Equal((first, first), (afterYield, afterDelay));
        Assert.Equal(19, nice);
        Assert.True(scheduler.Lowered);
        Assert.True(outsideNice < 19, $"The test itself runs at nice {outsideNice}, so the scheduler's lowering proves nothing.");
    }
}

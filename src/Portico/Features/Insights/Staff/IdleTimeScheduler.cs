using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Portico.Features.Insights.Staff;

/// Runs its tasks, and the continuations of their awaits, on one thread at the lowest priority a process may give itself
/// (nice 19 on Linux): a background reading of figures then takes the cores only when requests leave them idle, instead of
/// halving the page's throughput on a two-core machine while it runs. Elsewhere the thread keeps the normal priority.
public sealed class IdleTimeScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> tasks = [];
    private readonly Thread thread;

    public IdleTimeScheduler(string name)
    {
        thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// Whether the thread runs below the normal priority (false where the system does not allow it).
    public bool Lowered { get; private set; }

    public override int MaximumConcurrencyLevel => 1;

    private void Run()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // On Linux a nice value is per thread, named by its kernel id; raising one's own nice value needs no privilege.
                Lowered = SetPriority(0, GetThreadId(), 19) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A C library without these calls: the readings run at the normal priority, as they would elsewhere.
            }
        }
        foreach (var task in tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }

    protected override void QueueTask(Task task)
    {
        try
        {
            tasks.Add(task);
        }
        catch (InvalidOperationException)
        {
            // Shutting down: the thread takes no more, and the task still runs, at the normal priority.
            ThreadPool.UnsafeQueueUserWorkItem(_ => TryExecuteTask(task), null);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Environment.CurrentManagedThreadId == thread.ManagedThreadId && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => tasks.ToArray();

    /// The thread ends once the tasks queued before are done.
    public void Dispose() => tasks.CompleteAdding();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}

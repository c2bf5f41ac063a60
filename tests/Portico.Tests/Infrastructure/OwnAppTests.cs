namespace Portico.Tests.Infrastructure;

/// Tests that change what a whole portal sees (its clock, its limits, its Admins, its audit chain) get an app and
/// database of their own for each test, disposed after it.
public abstract class OwnAppTests<TApp> : IAsyncLifetime where TApp : PorticoApp, new()
{
    protected TApp App { get; } = new();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// The same, with the host started once before the test touches it from several threads.
public abstract class OwnStartedAppTests<TApp> : OwnAppTests<TApp> where TApp : PorticoApp, new()
{
    public override Task InitializeAsync()
    {
        _ = App.Services;
        return Task.CompletedTask;
    }
}

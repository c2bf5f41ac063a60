namespace Portico.Tests.Audit;

/// Chain tests tamper with rows, so they get an app and database of their own.
public sealed class AuditChainTests : OwnStartedAppTests<PorticoApp>
{
    private async Task WriteEventsAsync(int count, string action = "test.event")
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++)
        {
            audit.Record(action, targetType: "Thing", targetId: i.ToString(System.Globalization.CultureInfo.InvariantCulture), details: new { i });
        }
        await db.SaveChangesAsync();
    }

    private Task<ChainVerification> VerifyAsync() => App.WithDbAsync((_, services) => services.GetRequiredService<VerifyAuditChain>().RunAsync(default));

    [Fact]
    public async Task Events_form_an_intact_chain_in_order()
    {
        await WriteEventsAsync(5);
        await WriteEventsAsync(3);

        var result = await VerifyAsync();

        Assert.True(result.IsIntact, result.Problem);
        var sequences = await App.WithDbAsync((db, _) => db.AuditEvents.OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync());
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.True(result.EventsChecked >= 8);
        var newest = await NewestAsync();
        Assert.Equal((newest.Sequence, newest.Hash), (result.Head!.Sequence, result.Head.Hash));
    }

    private Task<AuditEvent> NewestAsync() => App.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());

    private Task DeleteFromAsync(long sequence) =>
        App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEvents\" WHERE \"Sequence\" >= {0}", sequence));

    [Fact]
    public async Task Deleting_the_newest_event_is_reported_as_missing()
    {
        await WriteEventsAsync(6);
        var newest = await NewestAsync();

        await DeleteFromAsync(newest.Sequence);

        var result = await VerifyAsync();
        Assert.False(result.IsIntact);
        Assert.Equal(newest.Sequence, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_newest_events_stays_visible_after_new_events_are_written()
    {
        await WriteEventsAsync(6);
        var firstDeleted = (await NewestAsync()).Sequence - 2;
        await DeleteFromAsync(firstDeleted);

        await WriteEventsAsync(2);

        var result = await VerifyAsync();
        Assert.Equal(firstDeleted, result.FirstBrokenSequence);
        Assert.Equal($"Event {firstDeleted} is missing.", result.Problem);
    }

    [Fact]
    public async Task Rolling_the_head_back_with_the_deleted_events_is_caught_by_the_last_checkpoint()
    {
        await WriteEventsAsync(6);
        var checkpointed = await VerifyAsync();
        Assert.True(checkpointed.IsIntact, checkpointed.Problem);
        var newest = await NewestAsync();
        var kept = await App.WithDbAsync((db, _) => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Sequence == newest.Sequence - 2));

        // A careful intruder removes the newest events and moves the head back to match.
        await DeleteFromAsync(kept.Sequence + 1);
        await App.WithDbAsync(db => db.AuditChainHeads.ExecuteUpdateAsync(u => u.SetProperty(h => h.Sequence, kept.Sequence).SetProperty(h => h.Hash, kept.Hash)));

        var result = await VerifyAsync();
        Assert.False(result.IsIntact);
        Assert.Equal(kept.Sequence + 1, result.FirstBrokenSequence);
        Assert.Contains("before the checkpoint", result.Problem, StringComparison.Ordinal);
        Assert.Equal((newest.Sequence, newest.Hash), (result.LastCheckpoint!.Sequence, result.LastCheckpoint.Hash));
    }

    [Fact]
    public async Task Concurrent_writers_still_produce_one_gap_free_chain()
    {
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => WriteEventsAsync(3))));

        var result = await VerifyAsync();

        Assert.True(result.IsIntact, result.Problem);
        Assert.Equal(36, await App.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == "test.event")));
    }

    [Fact]
    public async Task Editing_a_stored_event_is_reported_at_that_event()
    {
        await WriteEventsAsync(6);
        var target = await App.WithDbAsync((db, _) => db.AuditEvents.OrderBy(e => e.Sequence).Skip(3).Select(e => e.Sequence).FirstAsync());

        await App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"AuditEvents\" SET \"Action\" = 'nothing.happened' WHERE \"Sequence\" = {0}", target));

        var result = await VerifyAsync();
        Assert.False(result.IsIntact);
        Assert.Equal(target, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Deleting_a_stored_event_is_reported_as_missing()
    {
        await WriteEventsAsync(6);
        var target = await App.WithDbAsync((db, _) => db.AuditEvents.OrderBy(e => e.Sequence).Skip(2).Select(e => e.Sequence).FirstAsync());

        await App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEvents\" WHERE \"Sequence\" = {0}", target));

        var result = await VerifyAsync();
        Assert.Equal(target, result.FirstBrokenSequence);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_refuses_to_modify_or_delete_audit_events()
    {
        await WriteEventsAsync(1);
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var stored = await db.AuditEvents.FirstAsync();
        db.AuditEvents.Remove(stored);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Staff_admin_can_verify_the_chain_from_the_console_and_the_api()
    {
        var admin = await App.CreateUserAsync(staffRole: Features.Identity.StaffRole.Admin);
        using var client = await App.SignInAsync(admin);
        var page = await client.GetPageAsync("/staff/audit");

        var verified = await client.PostFormAsync("/staff/audit?handler=Verify", page, new Dictionary<string, string>());
        var result = await PorticoClient.ParseAsync(verified);
        Assert.StartsWith("Intact:", result.QuerySelector("[data-testid=verification]")!.TextContent.Trim(), StringComparison.Ordinal);

        var api = await client.Http.GetFromJsonAsync<ChainVerification>(new Uri("/api/staff/audit/verify", UriKind.Relative));
        Assert.True(api!.IsIntact);
        Assert.True(api.EventsChecked > 0);
    }

    [Fact]
    public async Task Deleting_the_newest_events_shows_as_broken_on_the_console_and_in_the_api()
    {
        var admin = await App.CreateUserAsync(staffRole: Features.Identity.StaffRole.Admin);
        using var client = await App.SignInAsync(admin);
        await WriteEventsAsync(4);
        var firstDeleted = (await NewestAsync()).Sequence - 1;
        await DeleteFromAsync(firstDeleted);
        var page = await client.GetPageAsync("/staff/audit");

        var verified = await client.PostFormAsync("/staff/audit?handler=Verify", page, new Dictionary<string, string>());
        var api = await client.Http.GetFromJsonAsync<ChainVerification>(new Uri("/api/staff/audit/verify", UriKind.Relative));

        var shown = (await PorticoClient.ParseAsync(verified)).QuerySelector("[data-testid=verification]")!.TextContent.Trim();
        Assert.StartsWith($"Broken at event {firstDeleted}:", shown, StringComparison.Ordinal);
        Assert.Contains("missing", shown, StringComparison.Ordinal);
        Assert.False(api!.IsIntact);
        Assert.Equal(firstDeleted, api.FirstBrokenSequence);
    }

    [Fact]
    public async Task Agents_cannot_reach_the_audit_console()
    {
        var agent = await App.CreateUserAsync(staffRole: Features.Identity.StaffRole.Agent);
        using var client = await App.SignInAsync(agent);

        var page = await client.Http.GetAsync(new Uri("/staff/audit", UriKind.Relative));
        var api = await client.Http.GetAsync(new Uri("/api/staff/audit/verify", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, api.StatusCode);
    }
}

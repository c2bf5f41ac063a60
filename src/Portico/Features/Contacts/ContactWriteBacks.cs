using Portico.Features.Webhooks;

namespace Portico.Features.Contacts;

/// Tells the system of record that owns contacts of a change to an account's people, through the outbox as the
/// contact.changed webhook in the caller's transaction, and keeps it waiting for that source's acknowledgement.
public sealed class ContactWriteBacks(PorticoDb db, WriteBacks writeBacks, WebhookPublisher webhooks)
{
    public static class Changes
    {
        public const string Invited = "invited";
        public const string RoleChanged = "role_changed";
        public const string AccessChanged = "access_changed";
        public const string Removed = "removed";
    }

    /// Nothing when no integration owns contacts or it does not know the account; the caller saves.
    public async Task SendAsync(Guid accountId, string change, string summary, string email, string? name, string role, DateTime? accessUntil, CancellationToken ct)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, ct);
        if (await writeBacks.StartAsync(account, SyncedObjectTypes.Contacts, summary, ct) is not { } writeBack)
        {
            return;
        }
        var systemOfRecord = await db.Integrations.Where(i => i.Id == writeBack.IntegrationId).Select(i => i.Name).SingleAsync(ct);
        await webhooks.PublishAsync(WebhookEvents.ContactChanged, new
        {
            account = new { account.Id, account.ExternalId, account.Name },
            change,
            contact = new { email, name, role, accessUntil },
            systemOfRecord,
            writeBackId = writeBack.Id,
        }, ct);
    }
}

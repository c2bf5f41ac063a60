using Portico.Features.Approvals;
using Portico.Features.Webhooks;

namespace Portico.Features.Accounts;

/// Changes an account's address, or holds the change for approval when a rule says so.
/// An applied change goes to the account's system of record as a webhook, in the same transaction.
public sealed class ChangeCompanyAddress(PorticoDb db, ApprovalGate approvals, AuditLog audit, Insights.KeyEvents keyEvents, WebhookPublisher webhooks,
    WriteBacks writeBacks, IStringLocalizer<ChangeCompanyAddress> text)
{
    public async Task<Outcome> RequestAsync(Guid accountId, CompanyAddress address, Requester requester, CancellationToken ct)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, ct);
        if (account.Address == address)
        {
            return Outcome.Refused(text["That is already the company's address."]);
        }
        if (await approvals.RuleForAsync(ChangeKinds.AccountAddress, null, ct) is { } rule)
        {
            var error = await approvals.HoldAsync(accountId, rule, "address",
                new AddressPayload(address.Lines, address.City, address.PostalCode, address.Country), requester, ct);
            return error is null ? Outcome.PendingApproval(text["The new address needs approval first. You can follow it under Approvals."]) : Outcome.Refused(text[error]);
        }
        await ApplyAsync(account, address, null, ct);
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    /// Applies the change in the current unit of work; the caller saves.
    public async Task ApplyAsync(Account account, CompanyAddress address, Guid? changeRequestId, CancellationToken ct)
    {
        var before = account.Address;
        account.ChangeAddress(address);
        audit.Record(AuditActions.AccountAddressChanged, account.Id, nameof(Account), account.Id.ToString(),
            new { from = before?.ToString(), to = address.ToString(), changeRequestId });
        keyEvents.Record(Insights.KeyEventKind.ContactChanged, account.Id);
        var systemOfRecord = await db.SystemsOfRecord.AsNoTracking().Where(s => s.ObjectType == SyncedObjectTypes.Accounts)
            .Join(db.Integrations, s => s.IntegrationId, i => i.Id, (s, i) => i.Name).FirstOrDefaultAsync(ct);
        // The system of record owns the account: the change waits for its acknowledgement, by the id in the webhook.
        var writeBack = await writeBacks.StartAsync(account, $"The company address to {address}", ct);
        await webhooks.PublishAsync(WebhookEvents.AccountAddressChanged, new
        {
            account = new { account.Id, account.ExternalId, account.Name },
            address = new { address.Lines, address.City, address.PostalCode, address.Country },
            systemOfRecord,
            changeRequestId,
            writeBackId = writeBack?.Id,
        }, ct);
    }
}

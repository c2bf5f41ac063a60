using Portico.Features.Activity;
using Portico.Features.Notifications;

namespace Portico.Features.Documents;

/// Email and activity feed entries about documents, queued in the same save as the change. Each email is composed in
/// its recipient's language (DocumentNotifier.de.resx).
public sealed class DocumentNotifier(PorticoDb db, EmailOutbox email, Recipients recipients, Webhooks.WebhookPublisher webhooks,
    IOptions<BrandingOptions> branding, TimeProvider clock, IStringLocalizer<DocumentNotifier> text)
{
    /// Webhooks for every upload; staff-only folders are included, since receivers are the business's own systems.
    public async Task UploadedAsync(DocumentFolder folder, Document document, DocumentVersion version, DocumentRequest? fulfils, CancellationToken ct)
    {
        var data = new
        {
            document = new { document.Id, document.AccountId, document.Name, folder = folder.Name, staffOnly = folder.StaffOnly },
            version = new { version.Id, version.Number, version.Size, version.Sha256, version.ContentType, version.UploadedByName, version.FromStaff },
        };
        await webhooks.PublishAsync(Webhooks.WebhookEvents.DocumentUploaded, data, ct);
        if (fulfils is not null)
        {
            await webhooks.PublishAsync(Webhooks.WebhookEvents.DocumentRequestFulfilled,
                new { documentRequest = new { fulfils.Id, fulfils.Title, fulfils.DueOn }, data.document }, ct);
        }
    }

    public static string CustomerPath(Guid accountId, Guid documentId) => $"/a/{accountId}/documents/{documentId}";

    /// The activity feed shows document entries to every member with documents access, whatever
    /// their role, so only folders open to all of them may appear there.
    private static bool InFeed(DocumentFolder folder) => !folder.StaffOnly && folder.ViewRoles.Count == 0;

    /// Staff shared a file: everyone who may see the folder hears of it; nobody, for a staff-only folder.
    public async Task SharedByStaffAsync(DocumentFolder folder, Document document, int version, string actorName, CancellationToken ct)
    {
        if (folder.StaffOnly)
        {
            return;
        }
        if (InFeed(folder))
        {
            db.ActivityEntries.Add(new ActivityEntry(document.AccountId, clock.GetUtcNow().UtcDateTime, actorName,
                version == 1 ? $"shared the document \"{document.Name}\"" : $"shared version {version} of \"{document.Name}\"", CustomerPath(document.AccountId, document.Id), null));
        }
        foreach (var r in await recipients.MembersWhoWantAsync(document.AccountId, Permissions.DocumentsView, folder.ViewRoles, p => p.DocumentUpdates, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["New document: {0}", document.Name], [
                text["Hello {0},", r.Name],
                text["{0} shared \"{1}\" (version {2}) in the folder {3}.", actorName, document.Name, version, folder.Name],
                branding.Value.Link(CustomerPath(document.AccountId, document.Id))]));
        }
    }

    public async Task UploadedByCustomerAsync(DocumentFolder folder, Document document, string actorName, DocumentRequest? fulfils, CancellationToken ct)
    {
        if (InFeed(folder))
        {
            db.ActivityEntries.Add(new ActivityEntry(document.AccountId, clock.GetUtcNow().UtcDateTime, actorName,
                fulfils is null ? $"uploaded \"{document.Name}\"" : $"uploaded \"{document.Name}\" for \"{fulfils.Title}\"", CustomerPath(document.AccountId, document.Id), null));
        }
        if (fulfils is not null)
        {
            foreach (var r in await recipients.StaffWhoWantAsync(null, p => p.DocumentUpdates, ct))
            {
                email.Queue(r.Email, r.Language, () => (text["Document received: {0}", fulfils.Title], [
                    text["{0} uploaded \"{1}\" to {2}, fulfilling \"{3}\" (due {4:d}).", actorName, document.Name, folder.Name, fulfils.Title, fulfils.DueOn],
                    branding.Value.Link($"/staff/documents/{document.Id}")]));
            }
        }
    }

    public async Task RequestedAsync(DocumentRequest request, DocumentFolder folder, CancellationToken ct)
    {
        var path = $"/a/{request.AccountId}/documents";
        if (InFeed(folder))
        {
            db.ActivityEntries.Add(new ActivityEntry(request.AccountId, clock.GetUtcNow().UtcDateTime, request.RequestedByName,
                $"asked for \"{request.Title}\" by {request.DueOn:yyyy-MM-dd}", path, null));
        }
        foreach (var r in await UploadersAsync(request.AccountId, folder, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["Please upload: {0} (due {1:d MMM})", request.Title, request.DueOn], [
                text["Hello {0},", r.Name],
                text["{0} asks for \"{1}\" by {2:d}.", request.RequestedByName, request.Title, request.DueOn] + "\n" + request.Description,
                text["Upload it here: {0}", branding.Value.Link(path)]]));
        }
    }

    public async Task OverdueAsync(DocumentRequest request, DocumentFolder folder, CancellationToken ct)
    {
        foreach (var r in await UploadersAsync(request.AccountId, folder, ct))
        {
            email.Queue(r.Email, r.Language, () => (text["Overdue: {0} (was due {1:d MMM})", request.Title, request.DueOn], [
                text["Hello {0},", r.Name],
                text["\"{0}\" was due on {1:d} and has not been uploaded yet.", request.Title, request.DueOn],
                text["Upload it here: {0}", branding.Value.Link($"/a/{request.AccountId}/documents")]]));
        }
    }

    /// Members who may upload to the folder: their role must be allowed to see it as well as to upload to it.
    private async Task<List<Recipient>> UploadersAsync(Guid accountId, DocumentFolder folder, CancellationToken ct)
    {
        List<string>? roles = (folder.UploadRoles.Count, folder.ViewRoles.Count) switch
        {
            (0, 0) => null,
            (0, _) => folder.ViewRoles,
            (_, 0) => folder.UploadRoles,
            _ => folder.UploadRoles.Intersect(folder.ViewRoles, StringComparer.Ordinal).ToList(),
        };
        if (folder.StaffOnly || roles is { Count: 0 })
        {
            return [];
        }
        return await recipients.MembersWhoWantAsync(accountId, Permissions.DocumentsUpload, roles, p => p.DocumentUpdates, ct);
    }
}

namespace Portico.Features.Documents;

public sealed record AcknowledgementStatus(Guid UserId, string Name, string Email, string Role, DateTime? AcknowledgedAt);

/// Acknowledgements, folders, deletion and document requests.
public sealed class DocumentActions(PorticoDb db, DocumentAccess access, AuditLog audit, DocumentNotifier notifier, TimeProvider clock,
    IStringLocalizer<DocumentActions> text)
{
    public const int MaxFolderName = 100;

    private async Task<bool> AcknowledgedMeanwhileAsync(Guid versionId, Guid userId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.DocumentAcknowledgements.AnyAsync(a => a.VersionId == versionId && a.UserId == userId, ct);
    }

    public async Task<Outcome> AcknowledgeAsync(Guid documentId, CancellationToken ct)
    {
        var document = await access.VisibleDocuments().SingleOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null)
        {
            return Outcome.NotFound;
        }
        var actor = access.Customer;
        if (document.CurrentVersionId is not { } versionId || !document.AcknowledgementRoles.Contains(actor.RoleName ?? ""))
        {
            return Outcome.Refused(text["This document does not ask your role for an acknowledgement."]);
        }
        if (await db.DocumentAcknowledgements.AnyAsync(a => a.VersionId == versionId && a.UserId == actor.UserId, ct))
        {
            return Outcome.Done;
        }
        db.DocumentAcknowledgements.Add(new DocumentAcknowledgement(document, versionId, actor.UserId, actor.Name, clock.GetUtcNow().UtcDateTime));
        audit.Record(AuditActions.DocumentAcknowledged, document.AccountId, "Document", document.Id.ToString(), new { name = document.Name, version = document.VersionCount });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same person's other click got there first (the unique index refused this one); anything else is a fault.
            if (!await AcknowledgedMeanwhileAsync(versionId, actor.UserId, ct))
            {
                throw;
            }
        }
        return Outcome.Done;
    }

    /// Everyone in the roles asked to acknowledge, with when (if) they acknowledged the current version.
    public async Task<List<AcknowledgementStatus>> AcknowledgementsAsync(Document document, CancellationToken ct)
    {
        if (document.AcknowledgementRoles.Count == 0 || document.CurrentVersionId is not { } versionId)
        {
            return [];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var roles = document.AcknowledgementRoles;
        return await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.AccountId == document.AccountId && (m.ExpiresAt == null || m.ExpiresAt > now) && roles.Contains(m.Role.Name))
            .OrderBy(m => m.User.DisplayName)
            .Select(m => new AcknowledgementStatus(m.UserId, m.User.DisplayName, m.User.Email!, m.Role.Name,
                db.DocumentAcknowledgements.AcrossAccounts().Where(a => a.VersionId == versionId && a.UserId == m.UserId).Select(a => (DateTime?)a.At).FirstOrDefault()))
            .ToListAsync(ct);
    }

    public async Task<Outcome> RequireAcknowledgementAsync(Guid documentId, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.DeletedAt == null, ct);
        if (document is null)
        {
            return Outcome.NotFound;
        }
        var known = await db.Roles.Select(r => r.Name).ToListAsync(ct);
        if (roles.Except(known).Any())
        {
            return Outcome.Refused("Choose roles that exist.");
        }
        document.RequireAcknowledgement(roles, clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.DocumentAcknowledgementRequired, document.AccountId, "Document", document.Id.ToString(), new { name = document.Name, roles });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    public async Task<Outcome> DeleteAsync(Guid documentId, CancellationToken ct)
    {
        var document = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.DeletedAt == null, ct);
        if (document is null)
        {
            return Outcome.NotFound;
        }
        document.Delete(clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.DocumentDeleted, document.AccountId, "Document", document.Id.ToString(), new { name = document.Name, versions = document.VersionCount });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    public async Task<Outcome<DocumentFolder>> CreateFolderAsync(Guid accountId, string? name, bool staffOnly, IReadOnlyCollection<string> viewRoles,
        IReadOnlyCollection<string> uploadRoles, CancellationToken ct)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0 || clean.Length > MaxFolderName)
        {
            return Outcome.Refused($"Give the folder a name of at most {MaxFolderName} characters.");
        }
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
        {
            return Outcome.NotFound;
        }
        var taken = Outcome.Refused($"This account already has a folder called {clean}.");
        if (await db.DocumentFolders.AnyAsync(f => f.AccountId == accountId && f.Name == clean, ct))
        {
            return taken;
        }
        if (await UnknownRoleAsync(viewRoles.Concat(uploadRoles), ct) is { } error)
        {
            return Outcome.Refused(error);
        }
        var folder = new DocumentFolder(accountId, clean, staffOnly, viewRoles, uploadRoles, clock.GetUtcNow().UtcDateTime);
        db.DocumentFolders.Add(folder);
        audit.Record(AuditActions.FolderCreated, accountId, "DocumentFolder", folder.Id.ToString(), new { name = clean, staffOnly, viewRoles, uploadRoles });
        return await db.SaveUnlessTakenAsync(ct) ? folder : taken;
    }

    public async Task<Outcome> ChangeFolderAccessAsync(Guid accountId, Guid folderId, bool staffOnly, IReadOnlyCollection<string> viewRoles,
        IReadOnlyCollection<string> uploadRoles, CancellationToken ct)
    {
        var folder = await db.DocumentFolders.SingleOrDefaultAsync(f => f.Id == folderId && f.AccountId == accountId, ct);
        if (folder is null)
        {
            return Outcome.NotFound;
        }
        if (await UnknownRoleAsync(viewRoles.Concat(uploadRoles), ct) is { } error)
        {
            return Outcome.Refused(error);
        }
        var before = new { folder.StaffOnly, folder.ViewRoles, folder.UploadRoles };
        folder.SetAccess(staffOnly, viewRoles, uploadRoles);
        audit.Record(AuditActions.FolderAccessChanged, accountId, "DocumentFolder", folder.Id.ToString(),
            new { name = folder.Name, before, after = new { folder.StaffOnly, folder.ViewRoles, folder.UploadRoles } });
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    public async Task<Outcome> RequestDocumentAsync(Guid accountId, Guid folderId, string? title, string? description, DateOnly? dueOn,
        string requestedBy, CancellationToken ct)
    {
        var folder = await db.DocumentFolders.SingleOrDefaultAsync(f => f.Id == folderId && f.AccountId == accountId, ct);
        if (folder is null)
        {
            return Outcome.Refused("Choose a folder of this account.");
        }
        if (folder.StaffOnly)
        {
            return Outcome.Refused("Customers cannot see staff-only folders; choose a folder they can upload to.");
        }
        var cleanTitle = title?.Trim() ?? "";
        if (cleanTitle.Length is 0 or > 200)
        {
            return Outcome.Refused("Say what you need in a title of at most 200 characters.");
        }
        if ((description?.Length ?? 0) > 2000)
        {
            return Outcome.Refused("The description can be at most 2,000 characters.");
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (dueOn is not { } due || due < today)
        {
            return Outcome.Refused("Give a due date that is today or later.");
        }
        var request = new DocumentRequest(accountId, folder.Id, cleanTitle, description?.Trim() ?? "", due, requestedBy, clock.GetUtcNow().UtcDateTime);
        db.DocumentRequests.Add(request);
        audit.Record(AuditActions.DocumentRequested, accountId, "DocumentRequest", request.Id.ToString(), new { title = cleanTitle, folder = folder.Name, due });
        await notifier.RequestedAsync(request, folder, ct);
        await db.SaveChangesAsync(ct);
        return Outcome.Done;
    }

    private async Task<string?> UnknownRoleAsync(IEnumerable<string> roles, CancellationToken ct)
    {
        var known = await db.Roles.Select(r => r.Name).ToListAsync(ct);
        var unknown = roles.Except(known).ToList();
        return unknown.Count > 0 ? $"Unknown role: {string.Join(", ", unknown)}." : null;
    }
}

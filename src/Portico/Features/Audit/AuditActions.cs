namespace Portico.Features.Audit;

/// Every audited action, named once. Searches and exports filter by these strings.
public static class AuditActions
{
    public const string LoginSucceeded = "identity.login_succeeded";
    public const string LoginFailed = "identity.login_failed";
    public const string LockedOut = "identity.locked_out";
    public const string LoggedOut = "identity.logged_out";
    public const string TwoFactorSucceeded = "identity.two_factor_succeeded";
    public const string TwoFactorFailed = "identity.two_factor_failed";
    public const string TwoFactorEnabled = "identity.two_factor_enabled";
    public const string TwoFactorDisabled = "identity.two_factor_disabled";
    public const string RecoveryCodesGenerated = "identity.recovery_codes_generated";
    public const string MembershipRoleChanged = "membership.role_changed";
    public const string RoleCreated = "role.created";
    public const string AccountSwitched = "account.switched";
    public const string AuditVerified = "audit.verified";
    public const string AccessDenied = "access.denied";
    public const string RequestCreated = "request.created";
    public const string RequestReplied = "request.replied";
    public const string RequestStatusChanged = "request.status_changed";
    public const string RequestAssigned = "request.assigned";
    public const string RequestInternalNoteAdded = "request.internal_note_added";
    public const string RequestVisibilityChanged = "request.visibility_changed";
    public const string RequestTypeSaved = "request_type.saved";
    public const string DocumentUploaded = "document.uploaded";
    public const string DocumentViewed = "document.viewed";
    public const string DocumentDownloaded = "document.downloaded";
    public const string DocumentDeleted = "document.deleted";
    public const string DocumentAcknowledged = "document.acknowledged";
    public const string DocumentAcknowledgementRequired = "document.acknowledgement_required";
    public const string DocumentIntegrityFailed = "document.integrity_failed";
    public const string FolderCreated = "document_folder.created";
    public const string FolderAccessChanged = "document_folder.access_changed";
    public const string DocumentRequested = "document_request.created";
    public const string DocumentRequestFulfilled = "document_request.fulfilled";
    public const string IntegrationBatch = "integration.batch";
    public const string IntegrationRecordDeleted = "integration.record_deleted";
    public const string IntegrationSaved = "integration.saved";
    public const string IntegrationKeyCreated = "integration.key_created";
    public const string IntegrationKeyRevoked = "integration.key_revoked";
    public const string SystemOfRecordChanged = "integration.system_of_record_changed";
    public const string WebhookEndpointCreated = "webhook.endpoint_created";
    public const string WebhookEndpointDeactivated = "webhook.endpoint_deactivated";
    public const string WebhookRedelivered = "webhook.redelivered";
    public const string CsvImported = "import.csv";
    public const string InvitationCreated = "invitation.created";
    public const string InvitationAccepted = "invitation.accepted";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationRefused = "invitation.refused";
    public const string MembershipRemoved = "membership.removed";
    public const string MembershipExpiryChanged = "membership.expiry_changed";
    public const string MagicLinkRequested = "identity.magic_link_requested";
    public const string MagicLinkUsed = "identity.magic_link_used";
    public const string MagicLinkRefused = "identity.magic_link_refused";
    public const string SessionsEnded = "identity.sessions_ended";
}

namespace Portico.Features.Accounts;

/// A staff Admin's or Agent's read-only look at the portal as one member of an account, for a reason, for at most
/// thirty minutes. Kept on the server so that expiry, leaving and the member's removal end it whatever the browser
/// holds; the browser holds only the view's id, data-protected.
public sealed class CustomerView
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    public const int MaxReasonLength = 500;

    public Guid Id { get; private set; } = Guid.NewGuid();
    public Guid StaffUserId { get; private set; }
    public Guid MemberUserId { get; private set; }
    public Guid AccountId { get; private set; }
    public string Reason { get; private set; } = "";
    public DateTime StartedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? EndedAt { get; private set; }
    /// Why it ended: left, expired, replaced by a newer view, or the member or staff member lost access.
    public string? EndReason { get; private set; }

    private CustomerView() { }

    public CustomerView(Guid staffUserId, Guid memberUserId, Guid accountId, string reason, DateTime now)
    {
        StaffUserId = staffUserId;
        MemberUserId = memberUserId;
        AccountId = accountId;
        Reason = reason;
        StartedAt = now;
        ExpiresAt = now + Lifetime;
    }
}

/// Why a view ended, as recorded on the view and in the audit log.
public static class CustomerViewEndReasons
{
    public const string Left = "left";
    public const string SignedOut = "signed_out";
    public const string Expired = "expired";
    public const string Replaced = "replaced";
    public const string MemberLostAccess = "member_lost_access";
    public const string StaffLostRole = "staff_lost_role";
}

internal sealed class CustomerViewConfiguration : IEntityTypeConfiguration<CustomerView>
{
    public void Configure(EntityTypeBuilder<CustomerView> b)
    {
        b.HasIndex(v => new { v.StaffUserId, v.EndedAt });
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(v => v.StaffUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PorticoUser>().WithMany().HasForeignKey(v => v.MemberUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Account>().WithMany().HasForeignKey(v => v.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.Property(v => v.Reason).HasMaxLength(CustomerView.MaxReasonLength);
        b.Property(v => v.EndReason).HasMaxLength(40);
    }
}

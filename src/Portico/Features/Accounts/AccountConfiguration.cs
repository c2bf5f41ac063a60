using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portico.Features.Accounts;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.ExternalId).HasMaxLength(100);
        b.HasIndex(a => a.ExternalId).IsUnique();
        b.HasIndex(a => a.Name);
        b.Ignore(a => a.Address);
        b.Property(a => a.AddressLines).HasMaxLength(CompanyAddressLimits.Lines);
        b.Property(a => a.AddressCity).HasMaxLength(CompanyAddressLimits.City);
        b.Property(a => a.AddressPostalCode).HasMaxLength(CompanyAddressLimits.PostalCode);
        b.Property(a => a.AddressCountry).HasMaxLength(CompanyAddressLimits.Country);
        b.HasOne<Identity.PorticoUser>().WithMany().HasForeignKey(a => a.AccountManagerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> b)
    {
        b.HasIndex(m => new { m.AccountId, m.UserId }).IsUnique();
        b.HasIndex(m => m.UserId);
        b.HasOne(m => m.Account).WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(m => m.Role).WithMany().HasForeignKey(m => m.RoleId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> b)
    {
        b.Property(r => r.Name).HasMaxLength(100);
        b.Property(r => r.Description).HasMaxLength(500);
        b.HasIndex(r => r.Name).IsUnique();
    }
}

public static class CompanyAddressLimits
{
    public const int Lines = 300;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int Country = 100;
}

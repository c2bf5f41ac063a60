using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portico.Features.Identity;
using Portico.Infrastructure.Data;

namespace Portico.Features.Accounts;

/// Demo accounts and people for a first look; only seeded when Portico:SeedDemoData is on.
public sealed class DemoData(PorticoDb db, UserManager<PorticoUser> users, TimeProvider clock, ILogger<DemoData> logger)
{
    public const string Password = "Portico-demo-2026";

    public static readonly IReadOnlyList<(string Email, string Name, string What)> Logins =
    [
        ("admin@portico.example", "Ada Admin", "staff Admin"),
        ("agent@portico.example", "Sam Agent", "staff Agent"),
        ("finance@portico.example", "Fin Ance", "staff Finance"),
        ("olivia@northwind.example", "Olivia Owner", "Owner of Northwind Traders"),
        ("bill@northwind.example", "Bill Payer", "Billing at Northwind Traders"),
        ("vera@northwind.example", "Vera Viewer", "Viewer at Northwind Traders"),
        ("rita@contoso.example", "Rita Requester", "Requester at Contoso"),
        ("casey@consulting.example", "Casey Consultant", "Requester at Northwind Traders and Owner of Contoso (two accounts)"),
        ("audrey@audit.example", "Audrey Auditor", "Auditor at Fabrikam until 30 days from seeding"),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Accounts.IgnoreQueryFilters().AnyAsync(cancellationToken))
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var roles = await db.Roles.ToDictionaryAsync(r => r.Name, r => r.Id, cancellationToken);
        var northwind = new Account("Northwind Traders", now, "CRM-1001");
        var contoso = new Account("Contoso Ltd", now, "CRM-1002");
        var fabrikam = new Account("Fabrikam Inc", now, "CRM-1003");
        db.Accounts.AddRange(northwind, contoso, fabrikam);

        var people = new Dictionary<string, PorticoUser>();
        foreach (var (email, name, _) in Logins)
        {
            var user = new PorticoUser
            {
                UserName = email,
                Email = email,
                EmailConfirmed = true,
                DisplayName = name,
                CreatedAt = now,
                StaffRole = email.Split('@')[0] switch
                {
                    "admin" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Admin,
                    "agent" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Agent,
                    "finance" when email.EndsWith("@portico.example", StringComparison.Ordinal) => StaffRole.Finance,
                    _ => null,
                },
            };
            var result = await users.CreateAsync(user, Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Demo user could not be created: " + string.Join("; ", result.Errors.Select(e => e.Description)));
            }
            people[email] = user;
        }

        void Member(Account account, string email, string role, DateTime? expires = null) =>
            db.Memberships.Add(new Membership(account.Id, people[email].Id, roles[role], now, expires));

        Member(northwind, "olivia@northwind.example", BuiltInRoles.Owner);
        Member(northwind, "bill@northwind.example", BuiltInRoles.Billing);
        Member(northwind, "vera@northwind.example", BuiltInRoles.Viewer);
        Member(northwind, "casey@consulting.example", BuiltInRoles.Requester);
        Member(contoso, "casey@consulting.example", BuiltInRoles.Owner);
        Member(contoso, "rita@contoso.example", BuiltInRoles.Requester);
        Member(fabrikam, "audrey@audit.example", BuiltInRoles.Auditor, now.AddDays(30));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Demo data seeded: {Accounts} accounts, {Users} people", 3, people.Count);
    }
}

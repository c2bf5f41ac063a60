using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Portico.Features.Accounts;
using Portico.Infrastructure.Data;

namespace Portico.Features.Contacts;

[Authorize(Policy = "account:" + Permissions.ContactsView)]
public sealed class IndexModel(ListContacts listContacts) : PageModel
{
    public IReadOnlyList<ContactRow> Contacts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Contacts = await listContacts.RunAsync(cancellationToken);
}

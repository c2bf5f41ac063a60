namespace Portico.Tests.Infrastructure;

public static class GermanProfile
{
    /// The person chose German on their profile, as the emails they get should follow.
    public static Task ChooseGermanAsync(this PorticoApp app, PorticoUser user) => app.WithDbAsync(async db =>
    {
        (await db.Users.SingleAsync(u => u.Id == user.Id)).Language = "de";
        await db.SaveChangesAsync();
    });
}

namespace Portico.Features.Approvals;

public static class ApprovalsModule
{
    public static IServiceCollection AddApprovals(this IServiceCollection services)
    {
        services.AddScoped<ApprovalGate>();
        services.AddScoped<ChangeSummaries>();
        services.AddScoped<DecideChange>();
        services.AddScoped<ManageApprovalRules>();
        return services;
    }
}

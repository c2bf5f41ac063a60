using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portico.Infrastructure.Data;

/// The account query filter is "@CrossAccount OR AccountId = @ScopedAccountId". SQLite cannot
/// use the AccountId index through an OR with a parameter, so every account page would scan
/// whole tables. When the cross-account flag is false the OR can only be decided by its right
/// side, so this drops "@flag OR " from the command and SQLite searches the index instead.
public sealed partial class AccountFilterInterceptor : DbCommandInterceptor
{
    public static readonly AccountFilterInterceptor Instance = new();

    private static void Rewrite(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
        {
            var name = parameter.ParameterName.StartsWith('@') ? parameter.ParameterName : "@" + parameter.ParameterName;
            if (name.StartsWith("@ef_filter__CrossAccount", StringComparison.Ordinal) && parameter.Value is false)
            {
                command.CommandText = Regex.Replace(command.CommandText, Regex.Escape(name) + @"(?![A-Za-z0-9_])\s+OR\s+", "", RegexOptions.CultureInvariant);
            }
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Rewrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Rewrite(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Rewrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Rewrite(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Rewrite(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Rewrite(command);
        return ValueTask.FromResult(result);
    }
}

using System.Diagnostics;

namespace Portico.Tests.Infrastructure;

/// The servers the tests start on loopback (mail, S3, nginx) stop the same way.
public static class ServerProcess
{
    /// Stops the process and everything it started, then removes its working folder, if any.
    public static void Stop(Process process, string? directory = null)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
        if (directory is null)
        {
            return;
        }
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

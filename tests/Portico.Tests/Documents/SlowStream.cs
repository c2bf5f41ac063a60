namespace Portico.Tests.Documents;

/// A request body that hands out a chunk at a time, optionally slowly, and fails with an
/// IOException once it has handed out <see cref="FailAfter"/> bytes, as a dropped connection would;
/// not before <paramref name="failWhen"/> completes, when given, so a test can first watch the upload arrive.
public sealed class SlowStream(long length, int chunk = 16 * 1024, TimeSpan? delay = null, long? failAfter = null, Task? failWhen = null) : Stream
{
    private long _position;

    public long? FailAfter { get; } = failAfter;

    /// Bytes handed out so far.
    public long Sent => Interlocked.Read(ref _position);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (delay is { } wait)
        {
            await Task.Delay(wait, cancellationToken);
        }
        if (FailAfter is { } limit && _position >= limit)
        {
            if (failWhen is not null)
            {
                await failWhen.WaitAsync(cancellationToken);
            }
            throw new IOException("The connection dropped in the middle of the upload.");
        }
        var count = (int)Math.Min(Math.Min(buffer.Length, chunk), length - _position);
        // Text, so that what arrives would be a valid .txt file if it were complete.
        buffer.Span[..count].Fill((byte)'a');
        Interlocked.Add(ref _position, count);
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

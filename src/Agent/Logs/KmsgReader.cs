using System.Text;
using Gateway.Agent.Ipc;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Gateway.Agent.Logs;

/// <summary>
/// Follows /dev/kmsg from its end (older lines are history, not news), keeps the <c>gw </c> records and
/// pushes them as <c>log</c> frames, batched a quarter second at a time.
/// </summary>
public sealed partial class KmsgReader(ClientHub hub, ILogger<KmsgReader> logger) : BackgroundService
{
    private const string KmsgPath = "/dev/kmsg";
    private const int MaxBatch = 200;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private unsafe void Run(CancellationToken stoppingToken)
    {
        var path = Encoding.UTF8.GetBytes(KmsgPath + "\0");
        int fd;
        fixed (byte* p = path)
        {
            fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
        }

        if (fd < 0)
        {
            LogUnavailable(errno);
            return;
        }

        try
        {
            // SEEK_END on /dev/kmsg positions after the newest record.
            lseek(fd, 0, SEEK_END);
            var bootTime = DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(Environment.TickCount64);
            var buffer = new byte[8192];
            var batch = new List<FirewallLogEntry>();
            var lastFlush = Environment.TickCount64;
            while (!stoppingToken.IsCancellationRequested)
            {
                var pfd = new pollfd { fd = fd, events = POLLIN };
                poll(&pfd, 1, 250);
                while (true)
                {
                    long n;
                    fixed (byte* b = buffer)
                    {
                        n = (long)read(fd, b, (size_t)buffer.Length);
                    }

                    if (n > 0)
                    {
                        var record = Encoding.UTF8.GetString(buffer, 0, (int)n);
                        if (KmsgParser.TryParse(record, bootTime, out var entry))
                        {
                            batch.Add(entry);
                            if (batch.Count >= MaxBatch)
                            {
                                break;
                            }
                        }

                        continue;
                    }

                    // EPIPE: records were overwritten before we read them; the next read resumes. Other errors: wait.
                    if (n < 0 && errno == EPIPE)
                    {
                        continue;
                    }

                    break;
                }

                var now = Environment.TickCount64;
                if (batch.Count > 0 && (batch.Count >= MaxBatch || now - lastFlush >= 250))
                {
                    hub.Broadcast(new LogEvent(batch.ToArray()));
                    batch.Clear();
                    lastFlush = now;
                }
                else if (batch.Count == 0)
                {
                    lastFlush = now;
                }
            }
        }
        finally
        {
            close(fd);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read /dev/kmsg (errno {Errno}); no firewall log")]
    private partial void LogUnavailable(int errno);
}

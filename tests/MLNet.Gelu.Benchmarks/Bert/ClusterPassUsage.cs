using System.Globalization;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>What one silo did in a measured cluster pass: the chunks and texts it answered, the CPU time it used (also by
/// thread name: the thread pool's workers score and carry Orleans' messages; the GC, the tiered JIT and the sockets have
/// their own threads), and the cores it kept busy while idle just before the pass (timers, membership probes, JIT, GC).</summary>
internal sealed record SiloUsage(int Port, int Chunks, int Texts, double CpuSeconds, IReadOnlyDictionary<string, double> CpuByThreadName, double IdleCores);

/// <summary>
/// One measured bulk pass through a cluster: wall time, the client's and each silo's CPU seconds, the chunks each silo
/// served, and how busy the whole machine was (all processes, from <c>/proc/stat</c>), so that a pass on a shared machine
/// can be read by CPU time, which other jobs do not distort, as well as by wall time, which they do.
/// </summary>
internal sealed record ClusterPassUsage(
    int Silos, int Threads, int Texts, int ChunkSize, double Seconds, double ClientCpuSeconds, double ClientIdleCores, IReadOnlyList<SiloUsage> PerSilo, double MachineBusyCores)
{
    public double Rate => Texts / Seconds;

    public double SiloCpuSeconds => PerSilo.Sum(s => s.CpuSeconds);

    /// <summary>Cores the client and silos kept busy on average.</summary>
    public double OurCores => (ClientCpuSeconds + SiloCpuSeconds) / Seconds;

    /// <summary>Silo CPU milliseconds per text (all silos together).</summary>
    public double SiloCpuMsPerText => SiloCpuSeconds * 1000 / Texts;

    /// <summary>Client CPU milliseconds per chunk.</summary>
    public double ClientCpuMsPerChunk => ClientCpuSeconds * 1000 / Chunks;

    /// <summary>Silo CPU milliseconds per text beyond what the silos burn idle (their idle rate over the pass's wall time).</summary>
    public double SiloNetCpuMsPerText => (SiloCpuSeconds - (PerSilo.Sum(s => s.IdleCores) * Seconds)) * 1000 / Texts;

    private double Chunks => Math.Ceiling(Texts / (double)ChunkSize);

    public string Describe()
    {
        var silos = string.Join("; ", PerSilo.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"silo :{s.Port} {s.Chunks} chunks, {s.CpuSeconds:F2} CPU-s, busy {s.CpuSeconds / Seconds:F2} cores " +
            $"(idle before: {s.IdleCores:F3})")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Silos} silo(s) x {Threads} thread(s): {Rate:F0} texts/s in {Seconds:F2} s; " +
            $"client {ClientCpuSeconds:F2} CPU-s ({ClientCpuMsPerChunk:F1} ms/chunk, idle before: {ClientIdleCores:F3} cores); " +
            $"{silos}; silo CPU {SiloCpuMsPerText:F2} ms/text ({SiloNetCpuMsPerText:F2} beyond idle); ours {OurCores:F2} cores, machine {MachineBusyCores:F2} of {Environment.ProcessorCount} busy");
    }

    /// <summary>Silo CPU milliseconds per text by thread name, all silos together, largest first.</summary>
    public IEnumerable<(string Name, double MsPerText)> SiloCpuByThreadName() =>
        PerSilo.SelectMany(s => s.CpuByThreadName).GroupBy(t => t.Key).Select(g => (g.Key, g.Sum(t => t.Value) * 1000 / Texts)).OrderByDescending(t => t.Item2);

    /// <summary>Name and CPU seconds so far of each thread of process <paramref name="pid"/> (<c>/proc/pid/task/tid/comm</c> and
    /// <c>stat</c>: utime + stime, in ticks of 1/100 s).</summary>
    public static Dictionary<int, (string Name, double Cpu)> ThreadCpu(int pid)
    {
        var threads = new Dictionary<int, (string, double)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');     // fields from the state (3rd) on
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (File.ReadAllText(Path.Combine(task, "comm")).Trim(),
                    (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }

        return threads;
    }

    /// <summary>CPU seconds used between two <see cref="ThreadCpu"/> readings, summed by thread name.</summary>
    public static Dictionary<string, double> ByThreadName(Dictionary<int, (string Name, double Cpu)> before, Dictionary<int, (string Name, double Cpu)> after) =>
        after.GroupBy(t => t.Value.Name).ToDictionary(g => g.Key, g => g.Sum(t => t.Value.Cpu - (before.TryGetValue(t.Key, out var b) ? b.Cpu : 0)));

    /// <summary>Busy and total CPU seconds of the whole machine so far (<c>/proc/stat</c>'s first line, in clock ticks of 1/100 s).</summary>
    public static (double Busy, double Total) MachineCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => double.Parse(f, CultureInfo.InvariantCulture) / 100).ToArray();
        double total = fields.Sum(), idle = fields[3] + fields[4];
        return (total - idle, total);
    }
}

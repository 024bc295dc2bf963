using Harrier.Matching.Banks;
using Harrier.Matching.Index;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Triage;

/// <summary>
/// Triage's first pass (<see cref="TriageEngine.FirstPass"/>): the matches that need no hypothesis hash and the indexes
/// they were found with, and the files whose hypotheses the rest of triage would try. Finished by
/// <see cref="TriageEngine.Run(TriagePass, IReadOnlyList{TriageInput})"/>; holds native index memory until disposed.
/// </summary>
public sealed class TriagePass : IDisposable
{
    internal TriagePass(long[] ids, IReadOnlyList<(string Bank, BankEntry Entry)> bank, TriageOptions options,
        List<(int Entry, string Method, int Distance)>[] matches, bool[] knownGood, List<int> pdqQueries, HammingIndex? pdqIndex,
        TriageEngine.VideoFrameSet frames, List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> bankVideos, IReadOnlyList<int> needing)
    {
        Ids = ids;
        Bank = bank;
        Options = options;
        Matches = matches;
        KnownGood = knownGood;
        PdqQueries = pdqQueries;
        PdqIndex = pdqIndex;
        Frames = frames;
        BankVideos = bankVideos;
        NeedingHypotheses = needing;
    }

    /// <summary>
    /// The indexes (into the pass's files) of the images and videos whose hypothesis hashes triage would try: nothing
    /// else matched them (see <see cref="TriageEngine.NeedingHypotheses"/>). Only these need hypotheses computed.
    /// </summary>
    public IReadOnlyList<int> NeedingHypotheses { get; }

    internal long[] Ids { get; }

    internal IReadOnlyList<(string Bank, BankEntry Entry)> Bank { get; }

    internal TriageOptions Options { get; }

    internal List<(int Entry, string Method, int Distance)>[] Matches { get; }

    internal bool[] KnownGood { get; }

    internal List<int> PdqQueries { get; }

    internal HammingIndex? PdqIndex { get; }

    internal TriageEngine.VideoFrameSet Frames { get; }

    internal List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> BankVideos { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        PdqIndex?.Dispose();
        Frames.Index.Dispose();
    }
}

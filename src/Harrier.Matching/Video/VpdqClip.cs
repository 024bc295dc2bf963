namespace Harrier.Matching.Video;

/// <summary>
/// A stretch of the query that appears in the compared video: the time ranges (seconds, frame timestamps) that
/// correspond, the offset between them, and how many query frames support it.
/// </summary>
/// <param name="QueryStart">First matched query frame's timestamp.</param>
/// <param name="QueryEnd">Last matched query frame's timestamp.</param>
/// <param name="ComparedStart">First corresponding compared frame's timestamp.</param>
/// <param name="ComparedEnd">Last corresponding compared frame's timestamp.</param>
/// <param name="OffsetSeconds">Compared time minus query time (median over the supporting frames).</param>
/// <param name="Frames">Query frames in the range that matched at this offset.</param>
public readonly record struct VpdqClip(double QueryStart, double QueryEnd, double ComparedStart, double ComparedEnd, double OffsetSeconds, int Frames);

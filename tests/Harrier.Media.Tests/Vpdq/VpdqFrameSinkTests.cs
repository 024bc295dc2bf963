using Harrier.Media.Video;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Vpdq;

/// <summary>The one frame pump: a sink sees every hashed frame once, in order, and changes no hash.</summary>
public sealed class VpdqFrameSinkTests
{
    private sealed class Recorder : IVpdqFrameSink
    {
        public List<(int Frame, double Seconds, int Width, int Height)> Seen { get; } = [];

        public void OnFrame(VideoStreamInfo info, VideoFrame frame, double seconds)
        {
            Assert.Equal(frame.Width * frame.Height * 3, frame.Rgb24.Length);
            Seen.Add((frame.FrameNumber, seconds, frame.Width, frame.Height));
        }
    }

    /// <summary>The first vPDQ conformance video (30 fps: at 0.25 s a hash, every 7th frame, so most whole seconds are not sampled).</summary>
    private static string Video() => Directory.GetFiles(TestPaths.Vectors("vpdq", "videos"), "*.mp4").Order(StringComparer.Ordinal).First();

    private static VpdqOptions Sampling(int parallelism) => new() { SecondsPerHash = 0.25, MaxDegreeOfParallelism = parallelism, KeyframeDecoding = false };

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_sink_sees_each_hashed_frame_in_order_and_the_hashes_are_those_without_it(int parallelism)
    {
        var video = Video();
        var options = Sampling(parallelism);
        var plain = await VpdqHasher.HashFileAsync(video, options);
        var recorder = new Recorder();
        var fed = await VpdqHasher.HashFileAsync(video, options, recorder, CancellationToken.None);

        Assert.Equal(plain.Features, fed.Features);
        Assert.Equal(fed.Features.Select(f => f.FrameNumber), recorder.Seen.Select(s => s.Frame));
        Assert.Equal(fed.Features.Select(f => f.TimestampSeconds), recorder.Seen.Select(s => s.Seconds));
    }

    private sealed class SecondsRecorder : IVpdqFrameSink
    {
        public List<int> Sampled { get; } = [];

        public List<(int Frame, double Seconds, Harrier.Media.Hashing.Hash256 Hash)> Seconds { get; } = [];

        public bool WantsWholeSecondFrames => true;

        public void OnFrame(VideoStreamInfo info, VideoFrame frame, double seconds) => Sampled.Add(frame.FrameNumber);

        public void OnWholeSecondFrame(VideoStreamInfo info, VideoFrame frame, double seconds) =>
            Seconds.Add((frame.FrameNumber, seconds, Harrier.Media.Pdq.PdqHasher.HashRgb24(frame.Rgb24.Span, frame.Width, frame.Height, frame.Width * 3).Hash));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_sink_that_wants_whole_seconds_gets_the_frames_a_bank_hashes_at_one_a_second_and_changes_nothing_else(int parallelism)
    {
        var video = Video();
        var options = Sampling(parallelism);
        var plain = await VpdqHasher.HashFileAsync(video, options);
        var recorder = new SecondsRecorder();
        var fed = await VpdqHasher.HashFileAsync(video, options, recorder, CancellationToken.None);
        var bank = await VpdqHasher.HashFileAsync(video, options with { SecondsPerHash = 1 });

        // The sampled frames and their hashes are those without the sink.
        Assert.Equal(plain.Features, fed.Features);
        Assert.Equal(fed.Features.Select(f => f.FrameNumber), recorder.Sampled);
        // Some whole seconds are not sampled frames (else this test would not test the second series).
        Assert.Contains(recorder.Seconds, s => s.Frame % plain.FrameModulus != 0);
        // The whole-second frames are exactly the frames a 1-hash-a-second vPDQ hashes, pixel for pixel.
        Assert.Equal(bank.Features.Select(f => (f.FrameNumber, f.TimestampSeconds, f.Hash)), recorder.Seconds);
    }

    [Fact]
    public async Task With_a_sink_the_video_is_decoded_fully_even_when_keyframes_would_do()
    {
        var fed = await VpdqHasher.HashFileAsync(Video(), new VpdqOptions { KeyframeDecoding = true }, new Recorder(), CancellationToken.None);
        Assert.False(fed.KeyframeDecoding);
    }
}

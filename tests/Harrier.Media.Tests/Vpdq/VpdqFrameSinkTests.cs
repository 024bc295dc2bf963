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

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_sink_sees_each_hashed_frame_in_order_and_the_hashes_are_those_without_it(int parallelism)
    {
        var video = Directory.GetFiles(TestPaths.Vectors("vpdq", "videos"), "*.mp4").Order(StringComparer.Ordinal).First();
        var options = new VpdqOptions { SecondsPerHash = 0.25, MaxDegreeOfParallelism = parallelism, KeyframeDecoding = false };
        var plain = await VpdqHasher.HashFileAsync(video, options);
        var recorder = new Recorder();
        var fed = await VpdqHasher.HashFileAsync(video, options, recorder, CancellationToken.None);

        Assert.Equal(plain.Features, fed.Features);
        Assert.Equal(fed.Features.Select(f => f.FrameNumber), recorder.Seen.Select(s => s.Frame));
        Assert.Equal(fed.Features.Select(f => f.TimestampSeconds), recorder.Seen.Select(s => s.Seconds));
    }

    [Fact]
    public async Task With_a_sink_the_video_is_decoded_fully_even_when_keyframes_would_do()
    {
        var video = Directory.GetFiles(TestPaths.Vectors("vpdq", "videos"), "*.mp4").Order(StringComparer.Ordinal).First();
        var fed = await VpdqHasher.HashFileAsync(video, new VpdqOptions { KeyframeDecoding = true }, new Recorder(), CancellationToken.None);
        Assert.False(fed.KeyframeDecoding);
    }
}

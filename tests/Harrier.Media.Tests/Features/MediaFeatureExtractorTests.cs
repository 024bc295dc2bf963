using Harrier.Media.Features;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Features;

/// <summary>The features of one file, with no case around them (ingest stores them; see Harrier.Operations.Tests).</summary>
public sealed class MediaFeatureExtractorTests : IDisposable
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-features-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_image_gets_its_plain_hashes_and_a_thumbnail_when_asked_and_its_hypotheses_only_when_asked_for_them()
    {
        using var image = ImageDecoder.Decode(Daisy);
        var features = await new MediaFeatureExtractor().ExtractAsync(Daisy, new FileInfo(Daisy).Length, CancellationToken.None);
        Assert.Equal((MediaKinds.Image, "jpeg", image.Width, image.Height), (features.Kind, features.Format, features.Width, features.Height));
        Assert.Equal(PdqImageHasher.HashDihedral(image), features.Pdq);
        Assert.Empty(features.PdqTrimmed);
        // The image hypotheses are not part of ingest's features (issue 21.6): triage asks for them, for unmatched images only.
        Assert.Equal((0, 0, 0, 0), (features.PdqReframed.Count, features.PdqOffCentre.Count, features.PdqDerotated.Count, features.PdqInset.Count));
        Assert.NotNull(features.Thumbnail);

        var hypotheses = await new MediaFeatureExtractor().HypothesesAsync(Daisy, new FileInfo(Daisy).Length, CancellationToken.None);
        Assert.Equal((MediaKinds.Image, "jpeg", image.Width, image.Height, null), (hypotheses.Kind, hypotheses.Format, hypotheses.Width, hypotheses.Height, hypotheses.Error));
        Assert.Equal(PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash), hypotheses.PdqReframed);
        Assert.Equal(PdqOffCentre.Hash(image, PdqOffCentre.DefaultCrops).Select(r => r.Hash), hypotheses.PdqOffCentre);
        var stable = PdqOffCentre.HashWithStableBits(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, PdqOffCentre.DefaultCrops);
        Assert.Equal(stable.Select(x => x.Stable), hypotheses.PdqOffCentreStable);
        Assert.Contains(hypotheses.PdqOffCentreStable, m => m.PopCount() is > 128 and < 256);
        Assert.Equal(PdqDerotate.HashWithStableBits(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, PdqDerotate.DefaultAngles)
            .Select(x => x.Stable), hypotheses.PdqDerotatedStable);
        Assert.Equal(PdqDerotate.Hash(image, PdqDerotate.DefaultAngles).Select(r => r.Hash), hypotheses.PdqDerotated);
        Assert.Equal(PdqInset.Hash(image).Select(r => (r.Region, r.Result.Hash)), hypotheses.PdqInset);
        Assert.Null(hypotheses.Pdq);

        // A file whose size is not the registered one, or that is not an image, gets none, with the reason.
        Assert.Equal(MediaKinds.Unreadable, (await new MediaFeatureExtractor().HypothesesAsync(Daisy, 1, CancellationToken.None)).Kind);
        var text = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(text, "not a picture");
        var notImage = await new MediaFeatureExtractor().HypothesesAsync(text, null, CancellationToken.None);
        Assert.Equal(MediaKinds.Unreadable, notImage.Kind);
        Assert.Contains("not an image", notImage.Error, StringComparison.Ordinal);

        var bare = await new MediaFeatureExtractor { Thumbnails = null }.ExtractAsync(Daisy, null, CancellationToken.None);
        Assert.Null(bare.Thumbnail);
        Assert.Equal(features.Pdq, bare.Pdq);
    }

    [Fact]
    public async Task A_video_cut_short_says_how_much_of_its_declared_duration_decoded_and_a_whole_one_says_nothing()
    {
        // Matroska declares the duration in its header, so the cut file still claims 12 s while only its first part decodes.
        var whole = Path.Combine(_dir, "whole.mkv");
        FfmpegTool.Run("-f lavfi -i testsrc2=size=160x120:rate=10 -t 12 -c:v libx264 -preset veryfast -g 10 -pix_fmt yuv420p", whole);
        var cut = Path.Combine(_dir, "cut.mkv");
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);

        var full = await new MediaFeatureExtractor { Thumbnails = null }.ExtractAsync(whole, bytes.Length, CancellationToken.None);
        Assert.Equal(MediaKinds.Video, full.Kind);
        Assert.DoesNotContain(full.Notes, n => n.Contains("decoded only", StringComparison.Ordinal));

        var half = await new MediaFeatureExtractor { Thumbnails = null }.ExtractAsync(cut, bytes.Length / 2, CancellationToken.None);
        Assert.Equal(MediaKinds.Video, half.Kind);
        var note = Assert.Single(half.Notes, n => n.Contains("decoded only", StringComparison.Ordinal));
        Assert.Contains("of the 12 s its container declares", note, StringComparison.Ordinal);
        Assert.True(half.Vpdq!.Count < full.Vpdq!.Count, $"{half.Vpdq.Count} frames of the cut file, {full.Vpdq.Count} of the whole");
    }

    [Fact]
    public void A_decode_that_reaches_the_declared_end_within_a_step_or_5_percent_is_not_short()
    {
        VpdqFeature At(double t) => new(0, 100, default, t);
        Assert.Null(MediaFeatureExtractor.ShortDecode(null, [At(3)], 0.25));
        Assert.Null(MediaFeatureExtractor.ShortDecode(60, [At(0), At(58.9)], 0.25)); // 1.1 s short of 60: within 5 % (3 s)
        Assert.NotNull(MediaFeatureExtractor.ShortDecode(60, [At(0), At(56.0)], 0.25)); // 4 s short
        Assert.Null(MediaFeatureExtractor.ShortDecode(10, [At(8.8)], 0.25)); // 1.2 s: within 1 s + one step
        Assert.NotNull(MediaFeatureExtractor.ShortDecode(10, [At(8.6)], 0.25));
        Assert.NotNull(MediaFeatureExtractor.ShortDecode(10, [], 0.25)); // nothing decoded at all
    }

    [Fact]
    public async Task A_file_whose_size_changed_is_unreadable_and_text_is_other()
    {
        var text = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(text, "not media");
        var other = await new MediaFeatureExtractor().ExtractAsync(text, 9, CancellationToken.None);
        Assert.Equal((MediaKinds.Other, null, null), (other.Kind, other.Format, other.Error));
        var changed = await new MediaFeatureExtractor().ExtractAsync(text, 10, CancellationToken.None);
        Assert.Equal(MediaKinds.Unreadable, changed.Kind);
        Assert.Equal("the evidence file is missing or its size changed since registration", changed.Error);
    }

    private sealed class ReframeRecorder : IVpdqFrameSink
    {
        public List<(int Frame, int Quality, Harrier.Media.Hashing.Hash256 Hash)> Reframed { get; } = [];

        public void OnFrame(Harrier.Media.Video.VideoStreamInfo info, Harrier.Media.Video.VideoFrame frame, double seconds) =>
            Reframed.AddRange(PdqReframe.Hash(frame.Rgb24.Span, PdqPixelFormat.Rgb24, frame.Width, frame.Height, frame.Width * 3, PdqReframe.DefaultCrops, PdqReframe.DefaultFills)
                .Select(r => (frame.FrameNumber, r.Quality, r.Hash)));
    }

    [Fact]
    public async Task A_videos_reframed_hashes_are_those_of_the_frames_a_bank_hashes_at_one_a_second()
    {
        // The first vPDQ conformance video, 30 fps: sampled every 7th frame at 0.25 s a hash, so most whole seconds
        // (frames 30, 60, …) are not sampled frames, and every 4th sampled frame (28, 56, …) is not a whole second.
        var video = Directory.GetFiles(TestPaths.Vectors("vpdq", "videos"), "*.mp4").Order(StringComparer.Ordinal).First();
        var features = await new MediaFeatureExtractor { Thumbnails = null }.ExtractAsync(video, null, CancellationToken.None);
        var bank = new ReframeRecorder();
        var hashed = await VpdqHasher.HashFileAsync(video, new VpdqOptions { SecondsPerHash = 1, KeyframeDecoding = false }, bank, CancellationToken.None);

        Assert.Contains(hashed.Features, f => f.FrameNumber % 7 != 0);
        Assert.Equal(bank.Reframed, features.VpdqReframed!.Select(f => (f.FrameNumber, f.Quality, f.Hash)));
    }

    [Fact]
    public async Task A_letterboxed_video_gets_its_vpdq_frames_each_followed_by_the_hash_inside_the_bars()
    {
        var video = Path.Combine(_dir, "boxed.mp4");
        FfmpegTool.Run("-f lavfi -i testsrc2=size=160x96:rate=12:duration=2 -vf pad=160:128:0:16:black -c:v libx264 -preset ultrafast -pix_fmt yuv420p", video);
        var features = await new MediaFeatureExtractor().ExtractAsync(video, null, CancellationToken.None);
        var plain = await VpdqHasher.HashFileAsync(video, new VpdqOptions { SecondsPerHash = 0.25, KeyframeDecoding = false });

        Assert.Equal((MediaKinds.Video, 160, 128, "h264"), (features.Kind, features.Width, features.Height, features.Codec));
        Assert.Equal(2 * plain.Features.Count, features.Vpdq!.Count);
        Assert.Equal(plain.Features, features.Vpdq.Where((_, i) => i % 2 == 0));
        Assert.All(features.Vpdq.Chunk(2), pair => Assert.Equal(pair[0].FrameNumber, pair[1].FrameNumber));
        Assert.Equal(256, features.TmkLevel1!.Length);
        Assert.NotNull(features.Thumbnail); // the keyframe strip, from the same decode
    }
}

using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Tests.Video;

/// <summary>
/// Keyframe-only decoding is an optimisation that must not change a single hash: it is chosen only when every sampled
/// frame is a keyframe, and then its features equal a full decode's exactly.
/// </summary>
public sealed class KeyframeDecodingTests(SyntheticVideos clips) : IClassFixture<SyntheticVideos>
{
    private const string X264 = "-c:v libx264 -preset veryfast -sc_threshold 0 -pix_fmt yuv420p";

    public static TheoryData<string, string, bool, string> Clips => new()
    {
        // 30 fps, keyframe every 30 frames, B-frames (decode order ≠ presentation order): frames 0, 30, 60 … are keyframes.
        { "gop30.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 {X264} -g 30", true, "keyframes of" },
        // Keyframe every 15: every sampled frame is a keyframe, and the keyframes in between are decoded but not hashed.
        { "gop15.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 {X264} -g 15", true, "keyframes of" },
        // MPEG-4 part 2 with B-frames, GOP 30, in Matroska.
        { "mpeg4-gop30.mkv", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 -c:v mpeg4 -q:v 5 -bf 2 -g 30", true, "keyframes of" },
        // HEVC with B-frames, GOP 30, no scene cuts.
        { "hevc-gop30.mp4", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 -c:v libx265 -x265-params keyint=30:min-keyint=30:scenecut=0:log-level=error -pix_fmt yuv420p", true, "keyframes of" },
        // VP8, GOP 30.
        { "vp8-gop30.webm", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 -c:v libvpx -deadline realtime -cpu-used 8 -g 30 -keyint_min 30", true, "keyframes of" },
        // VP9, GOP 30: ffmpeg's VP9 decoder ignores -skip_frame nokey, so the codec is not on the list.
        { "vp9-gop30.webm", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 30 -keyint_min 30", false, "codec vp9 is not on the keyframe list" },
        // Keyframe every 60 frames: sampled frame 30 is not a keyframe, so the file is decoded fully.
        { "gop60.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 {X264} -g 60", false, "sampled frame 30 is not a keyframe" },
        // 29.97 fps with a keyframe every 30 frames: frameMod is (int)29.97 = 29, so frame 29 is sampled and is not a keyframe.
        { "ntsc-gop30.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30000/1001:duration=5 {X264} -g 30", false, "sampled frame 29 is not a keyframe" },
        // x264's default GOP (250) with scene-cut detection on, the usual upload.
        { "default-gop.mp4", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=5 -c:v libx264 -preset veryfast -pix_fmt yuv420p", false, "sampled frame 30 is not a keyframe" },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public async Task Keyframe_mode_is_chosen_only_when_it_gives_exactly_the_hashes_of_a_full_decode(string name, string ffmpegArgs, bool keyframeMode, string reason)
    {
        var path = clips.Make(name, ffmpegArgs);

        var auto = await VpdqHasher.HashFileAsync(path, new VpdqOptions());
        var full = await VpdqHasher.HashFileAsync(path, new VpdqOptions { KeyframeDecoding = false });

        Assert.Equal(keyframeMode, auto.KeyframeDecoding);
        Assert.Contains(reason, auto.DecodingReason, StringComparison.Ordinal);
        Assert.False(full.KeyframeDecoding);
        Assert.Equal(full.Features.Count, auto.Features.Count);
        Assert.Equal(full.Features, auto.Features);
        Assert.True(full.Features.Count >= 5);
    }

    [Fact]
    public async Task The_plan_numbers_keyframes_in_presentation_order()
    {
        var path = clips.Make("plan-gop15.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30:duration=4 {X264} -g 15");
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(path);

        var plan = await reader.PlanKeyframesAsync(path, info, 30);

        Assert.True(plan.Usable, plan.Reason);
        Assert.Equal(120, plan.FrameCount);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i * 15), plan.KeyframeNumbers);
        Assert.False((await reader.PlanKeyframesAsync(path, info, 1)).Usable);
        Assert.False((await reader.PlanKeyframesAsync(path, info, 20)).Usable);
    }

    [Fact]
    public async Task A_plan_that_does_not_match_the_decoder_output_is_an_error_not_wrong_frame_numbers()
    {
        var path = clips.Make("mismatch-gop30.mp4", $"-f lavfi -i testsrc2=size=160x90:rate=30:duration=3 {X264} -g 30");
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(path);
        var plan = await reader.PlanKeyframesAsync(path, info, 30);
        Assert.True(plan.Usable, plan.Reason);
        Assert.Equal([0, 30, 60], plan.KeyframeNumbers);

        var shortPlan = VideoFrameRequest.Vpdq(30) with { KeyframeNumbers = [0, 30] };
        var longPlan = VideoFrameRequest.Vpdq(30) with { KeyframeNumbers = [0, 30, 60, 90] };

        await Assert.ThrowsAsync<KeyframePlanMismatchException>(async () => await Drain(reader.ReadFramesAsync(path, info, shortPlan)));
        await Assert.ThrowsAsync<KeyframePlanMismatchException>(async () => await Drain(reader.ReadFramesAsync(path, info, longPlan)));
        Assert.Equal([0, 30, 60], await Drain(reader.ReadFramesAsync(path, info, VideoFrameRequest.Vpdq(30) with { KeyframeNumbers = plan.KeyframeNumbers })));
    }

    [Fact]
    public async Task A_decoder_that_ignores_skip_frame_is_caught_by_the_keyframe_count()
    {
        // ffmpeg's VP9 decoder outputs every frame under -skip_frame nokey; were VP9 planned like H.264, the count check
        // (not the numbering) would have to catch it.
        var path = clips.Make("vp9-ignores-nokey.webm", "-f lavfi -i testsrc2=size=160x90:rate=30:duration=3 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 30 -keyint_min 30");
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(path);
        Assert.Equal("vp9", info.Codec);
        Assert.False((await reader.PlanKeyframesAsync(path, info, 30)).Usable);

        var asIfPlanned = VideoFrameRequest.Vpdq(30) with { KeyframeNumbers = [0, 30, 60] };

        await Assert.ThrowsAsync<KeyframePlanMismatchException>(async () => await Drain(reader.ReadFramesAsync(path, info, asIfPlanned)));
    }

    [Fact]
    public void Keyframe_requests_put_skip_frame_before_the_input_and_drop_the_select_filter()
    {
        var args = new VideoFrameReader().BuildArguments("a.mp4", VideoFrameRequest.Vpdq(30) with { KeyframeNumbers = [0, 30] }, 64, 48).ToList();

        Assert.True(args.IndexOf("-skip_frame") < args.IndexOf("-i"));
        Assert.Equal("nokey", args[args.IndexOf("-skip_frame") + 1]);
        Assert.Contains("scale=64:48:flags=area+accurate_rnd,format=rgb24", args);
        Assert.DoesNotContain(args, a => a.Contains("select", StringComparison.Ordinal) || a.Contains("fps=", StringComparison.Ordinal));
    }

    private static async Task<List<int>> Drain(IAsyncEnumerable<VideoFrame> frames)
    {
        var numbers = new List<int>();
        await foreach (var f in frames)
        {
            numbers.Add(f.FrameNumber);
        }

        return numbers;
    }
}

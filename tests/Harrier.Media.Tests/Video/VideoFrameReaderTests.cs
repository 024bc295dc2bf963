using System.Diagnostics;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Tests.Video;

public sealed class VideoFrameReaderTests(SyntheticVideos clips) : IClassFixture<SyntheticVideos>
{
    [Fact]
    public async Task Variable_frame_rate_keeps_every_decoder_frame_without_duplicates()
    {
        var info = await new VideoFrameReader().ProbeAsync(clips.Vfr);
        var hashed = await VpdqHasher.HashFileAsync(clips.Vfr, new VpdqOptions { SecondsPerHash = 0 });

        Assert.Equal(40, hashed.Features.Count);
        Assert.Equal(Enumerable.Range(0, 40), hashed.Features.Select(f => f.FrameNumber));
        Assert.Equal(hashed.Features[^1].FrameNumber / info.FramesPerSecond, hashed.Features[^1].TimestampSeconds);
    }

    [Fact]
    public async Task Sampling_uses_int_of_seconds_times_avg_frame_rate_and_selects_the_same_frames_as_every_frame_hashing()
    {
        var every = await VpdqHasher.HashFileAsync(clips.Ntsc, new VpdqOptions { SecondsPerHash = 0 });
        var sampled = await VpdqHasher.HashFileAsync(clips.Ntsc, new VpdqOptions { SecondsPerHash = 1 });

        Assert.Equal(29, sampled.FrameModulus);
        Assert.Equal(every.Features.Where(f => f.FrameNumber % 29 == 0), sampled.Features);
        Assert.Equal(30000.0 / 1001, sampled.Stream.FramesPerSecond);
        Assert.Equal(58 * 1001 / 30000.0, sampled.Features[2].TimestampSeconds, 12);
    }

    [Fact]
    public async Task Odd_frame_sizes_decode_at_native_size_and_downsample_gives_n_by_n()
    {
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(clips.Odd);
        Assert.Equal((33, 17), (info.Width, info.Height));
        var frames = 0;
        await foreach (var f in reader.ReadFramesAsync(clips.Odd, info, VideoFrameRequest.Vpdq(1)))
        {
            Assert.Equal((33, 17, 33 * 17 * 3), (f.Width, f.Height, f.Rgb24.Length));
            frames++;
        }

        Assert.Equal(25, frames);
        await foreach (var f in reader.ReadFramesAsync(clips.Odd, info, VideoFrameRequest.Vpdq(1, downsample: 20)))
        {
            Assert.Equal((20, 20), (f.Width, f.Height));
        }
    }

    [Fact]
    public async Task Rotation_metadata_is_reported_ignored_for_vpdq_as_the_reference_and_applied_for_tmk()
    {
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(clips.Rotated);
        // A quarter turn; ffmpeg's display-matrix sign conventions changed over versions, so either direction is accepted.
        Assert.Contains(info.Rotation, new[] { 90, 270 });
        Assert.Equal((64, 48), (info.Width, info.Height));
        Assert.Equal((48, 64), (info.DisplayWidth, info.DisplayHeight));

        var plain = await VpdqHasher.HashFileAsync(clips.Plain, new VpdqOptions { SecondsPerHash = 0 });
        var rotated = await VpdqHasher.HashFileAsync(clips.Rotated, new VpdqOptions { SecondsPerHash = 0 });
        Assert.Equal(plain.Features, rotated.Features);

        var applied = new VideoFrameRequest { ApplyRotation = true };
        await foreach (var f in reader.ReadFramesAsync(clips.Rotated, info, applied))
        {
            Assert.Equal((48, 64), (f.Width, f.Height));
            break;
        }
    }

    [Fact]
    public async Task Hostile_files_fail_with_an_error_naming_the_file()
    {
        foreach (var (path, expected) in new[]
        {
            (clips.Empty, "empty file"),
            (clips.Garbage, "not a readable video"),
            (clips.AudioOnly, "no video stream"),
            (clips.TruncatedNoIndex, "not a readable video"),
            (Path.Combine(clips.Dir, "missing.mp4"), "file not found"),
            (clips.Dir, "directory"),
        })
        {
            var e = await Assert.ThrowsAsync<VideoException>(() => VpdqHasher.HashFileAsync(path));
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_truncated_file_with_its_index_first_hashes_what_is_there()
    {
        var hashed = await VpdqHasher.HashFileAsync(clips.TruncatedPlayable, new VpdqOptions { SecondsPerHash = 0 });
        // 4 s at 25 fps cut in half: some frames, not all of them.
        Assert.InRange(hashed.Features.Count, 1, 99);
        Assert.Contains(hashed.Warnings, w => w.Contains("partial file", StringComparison.Ordinal) || w.Contains("Invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stuck_ffprobe_is_killed_after_the_stall_timeout()
    {
        // A FIFO with no writer: ffprobe blocks in open() for ever, a real hang.
        var fifo = Path.Combine(clips.Dir, "stuck-" + Guid.NewGuid().ToString("N") + ".mp4");
        using (var mk = Process.Start("mkfifo", [fifo]))
        {
            await mk.WaitForExitAsync();
            Assert.Equal(0, mk.ExitCode);
        }

        var options = new VpdqOptions { Ffmpeg = new FfmpegOptions { StallTimeout = TimeSpan.FromMilliseconds(300) } };
        var e = await Assert.ThrowsAsync<VideoException>(() => VpdqHasher.HashFileAsync(fifo, options));
        Assert.Contains("produced no output", e.Message, StringComparison.Ordinal);
        Assert.Contains("killed", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(fifo, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_an_environment_error_that_says_how_to_fix_it()
    {
        var options = new VpdqOptions { Ffmpeg = new FfmpegOptions { FfprobePath = "/nonexistent/ffprobe" } };
        var e = await Assert.ThrowsAsync<FfmpegNotFoundException>(() => VpdqHasher.HashFileAsync(clips.Plain, options));
        Assert.Contains("ffprobe not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("HARRIER_FFPROBE", e.Message, StringComparison.Ordinal);

        var noFfmpeg = new VpdqOptions { Ffmpeg = new FfmpegOptions { FfmpegPath = "/nonexistent/ffmpeg" } };
        await Assert.ThrowsAsync<FfmpegNotFoundException>(() => VpdqHasher.HashFileAsync(clips.Plain, noFfmpeg));
    }

    [Fact]
    public void File_names_are_passed_with_the_file_protocol_so_they_cannot_select_another_protocol()
    {
        var args = new VideoFrameReader().BuildArguments("concat:a.mp4|b.mp4", VideoFrameRequest.Vpdq(30), 64, 48);
        var input = args[args.ToList().IndexOf("-i") + 1];
        Assert.StartsWith("file:/", input, StringComparison.Ordinal);
        Assert.Contains("-noautorotate", args);
        Assert.Contains("select=not(mod(n\\,30)),scale=64:48:flags=area+accurate_rnd,format=rgb24", args);
    }

    [Fact]
    public async Task Frames_stream_through_one_reused_buffer_so_memory_does_not_grow_with_length()
    {
        var reader = new VideoFrameReader();
        var info = await reader.ProbeAsync(clips.Ntsc);
        byte[]? first = null;
        var frames = 0;
        await foreach (var f in reader.ReadFramesAsync(clips.Ntsc, info, VideoFrameRequest.Vpdq(1)))
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(f.Rgb24, out var segment));
            first ??= segment.Array;
            Assert.Same(first, segment.Array);
            frames++;
        }

        Assert.Equal(90, frames);
    }
}

using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>
/// Hashes many files in parallel (one decode + hash per worker), yielding results in input order as they complete.
/// Files found inside folders are hashed only when their content is a recognised image; files named explicitly are
/// always attempted, so a non-image is reported as an error.
/// </summary>
public static class PdqBatch
{
    /// <summary>Hashes every image among <paramref name="inputs"/> (files and folders).</summary>
    public static IEnumerable<PdqFileResult> HashAll(IEnumerable<string> inputs, PdqBatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PdqBatchOptions();
        return ImageFileFinder.Expand(inputs)
            .AsParallel()
            .AsOrdered()
            .WithDegreeOfParallelism(Math.Clamp(options.MaxDegreeOfParallelism, 1, 512))
            .WithCancellation(cancellationToken)
            .Select(c => HashOne(c, options))
            .Where(r => r is not null)
            .Select(r => r!);
    }

    /// <summary>Hashes one candidate; null when a folder member turns out not to be an image.</summary>
    public static PdqFileResult? HashOne(ImageCandidate candidate, PdqBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (candidate.Problem is not null)
        {
            return new PdqFileResult(candidate.Path, null, null, $"{candidate.Path}: {candidate.Problem}");
        }

        try
        {
            if (!candidate.Explicit)
            {
                var format = ImageSniffer.Detect(candidate.Path);
                if (format == ImageFormat.Unknown)
                {
                    return null;
                }
            }

            if (options.Reframe is { } crop)
            {
                using var image = ImageDecoder.Decode(candidate.Path, options.Decoder);
                return new PdqFileResult(candidate.Path, PdqReframe.Hash(image, [crop], [options.ReframeFill])[0], null, null);
            }

            if (options.TrimBorders)
            {
                using var image = ImageDecoder.Decode(candidate.Path, options.Decoder);
                var region = BorderTrimmer.FindContent(image);
                var t = PdqImageHasher.HashDihedral(image, region, options.FrontEnd);
                return new PdqFileResult(candidate.Path, t.OriginalResult, options.Dihedral ? t : null, null);
            }

            using var reader = ImageDecoder.OpenRows(candidate.Path, options.Decoder);
            if (options.Dihedral)
            {
                var d = PdqImageHasher.HashDihedral(reader, options.FrontEnd);
                return new PdqFileResult(candidate.Path, d.OriginalResult, d, null);
            }

            return new PdqFileResult(candidate.Path, PdqImageHasher.Hash(reader, options.FrontEnd), null, null);
        }
        catch (ImageDecodeException e)
        {
            return new PdqFileResult(candidate.Path, null, null, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PdqFileResult(candidate.Path, null, null, $"{candidate.Path}: read error: {e.Message}");
        }
    }
}

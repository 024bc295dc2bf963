using BenchmarkDotNet.Attributes;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using SkiaSharp;

namespace Harrier.Benchmarks.Pdq;

/// <summary>
/// PDQ stages on a synthetic photo-like image (smooth gradients plus noise, JPEG q90): decode, luma, the blur and
/// decimation (fast path vs the literal reference port), DCT, and whole hashes with both front ends.
/// Run: <c>dotnet run -c Release --project benchmarks/Harrier.Benchmarks -- --filter '*Pdq*'</c>.
/// </summary>
[MemoryDiagnoser]
public class PdqBenchmarks
{
    private byte[] _jpeg = [];
    private byte[] _rgba = [];
    private float[] _luma = [];
    private readonly float[] _buffer = new float[64 * 64];
    private readonly float[] _dct = new float[256];
    private int _width;
    private int _height;

    /// <summary>Image size in megapixels (4:3).</summary>
    [Params(1, 12)]
    public int Megapixels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _height = (int)Math.Sqrt(Megapixels * 1e6 * 3 / 4);
        _width = _height * 4 / 3;
        var rng = new Random(42);
        _rgba = new byte[_width * _height * 4];
        for (var y = 0; y < _height; y++)
        {
            for (var x = 0; x < _width; x++)
            {
                var o = ((y * _width) + x) * 4;
                var wave = 100 * Math.Sin(x * 0.01) * Math.Cos(y * 0.013);
                _rgba[o] = (byte)Math.Clamp(128 + wave + rng.Next(-20, 20), 0, 255);
                _rgba[o + 1] = (byte)Math.Clamp(128 - wave + rng.Next(-20, 20), 0, 255);
                _rgba[o + 2] = (byte)Math.Clamp(128 + (x * 100.0 / _width) + rng.Next(-20, 20), 0, 255);
                _rgba[o + 3] = 255;
            }
        }

        using var image = SKImage.FromPixelCopy(new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Unpremul), _rgba, _width * 4);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        _jpeg = data.ToArray();
        _luma = new float[_width * _height];
        PdqHasher.ComputeLuma(_rgba, PdqPixelFormat.Rgba32, _width, _height, _width * 4, _luma);
    }

    [Benchmark]
    public int Decode()
    {
        using var d = ImageDecoder.Decode(_jpeg, "bench.jpg");
        return d.Width;
    }

    [Benchmark]
    public void Luma() => PdqHasher.ComputeLuma(_rgba, PdqPixelFormat.Rgba32, _width, _height, _width * 4, _luma);

    [Benchmark]
    public void Buffer64Fast() => PdqHasher.ComputeBuffer64(_luma, _width, _height, _buffer);

    [Benchmark]
    public void Buffer64ReferencePort() => PdqHasher.ComputeBuffer64Reference(_luma, _width, _height, _buffer);

    [Benchmark]
    public void Dct16() => PdqHasher.Dct16(_buffer, _dct);

    [Benchmark]
    public PdqResult HashFull() => PdqHasher.Hash(_rgba, PdqPixelFormat.Rgba32, _width, _height, _width * 4);

    [Benchmark]
    public PdqResult HashPre512() => PdqHasher.Hash(_rgba, PdqPixelFormat.Rgba32, _width, _height, _width * 4, PdqFrontEnd.Pre512);

    [Benchmark]
    public PdqDihedralResult HashDihedralFull() => PdqHasher.HashDihedral(_rgba, PdqPixelFormat.Rgba32, _width, _height, _width * 4);
}

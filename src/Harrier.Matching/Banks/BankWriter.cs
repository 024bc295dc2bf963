using System.Globalization;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Banks;

/// <summary>
/// Writes <see cref="BankEntry"/> records in each format <see cref="BankReader"/> reads, so that reading a written file
/// gives the same entries back (the round-trip tests hold them to it). Fields a format has and the entry does not
/// (ICSE's submission counts, NSRL's CRC32, size and product codes) are written empty. VICS is written by
/// <see cref="VicsFormat.Write"/>.
/// </summary>
public static class BankWriter
{
    /// <summary>NSRL RDS <c>NSRLFile.txt</c> columns, in order.</summary>
    public static readonly IReadOnlyList<string> NsrlHeader = ["SHA-1", "MD5", "CRC32", "FileName", "FileSize", "ProductCode", "OpSystemCode", "SpecialCode"];

    /// <summary>An ICSE export: the fixed header, then MD5;SHA1;PhotoDNA;Image ID;…;Series name;… per entry.</summary>
    public static void WriteIcse(TextWriter writer, IEnumerable<BankEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        writer.Write(BankReader.IcseHeader);
        writer.Write('\n');
        using var csv = BankCsv.Writer(writer, ';');
        foreach (var e in entries)
        {
            csv.WriteRecord(e.Md5, e.Sha1, e.PhotoDna, e.ExternalId, null, null, null, e.Series, null, null, null, null);
        }
    }

    /// <summary>
    /// A plain CSV with a header: <c>md5,sha1</c>, plus <c>sha256</c> and <c>category</c> columns when any entry has
    /// them (the category's code; a plain CSV has no scheme).
    /// </summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<BankEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var list = entries as IReadOnlyList<BankEntry> ?? [.. entries];
        var sha256 = list.Any(e => e.Sha256 is not null);
        var category = list.Any(e => e.Category is not null);
        using var csv = BankCsv.Writer(writer, ',');
        csv.WriteRecord(["md5", "sha1", .. sha256 ? new[] { "sha256" } : [], .. category ? new[] { "category" } : []]);
        foreach (var e in list)
        {
            csv.WriteRecord([e.Md5, e.Sha1, .. sha256 ? new[] { e.Sha256 } : [], .. category ? new[] { e.Category?.Code } : []]);
        }
    }

    /// <summary>An NSRL RDS file (every field quoted, digests upper-case, as RDS writes them); the file name is <see cref="BankEntry.ExternalId"/>.</summary>
    public static void WriteNsrl(TextWriter writer, IEnumerable<BankEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        using var csv = BankCsv.Writer(writer, ',', quoteAll: true);
        csv.WriteRecord([.. NsrlHeader]);
        foreach (var e in entries)
        {
            csv.WriteRecord(e.Sha1?.ToUpperInvariant(), e.Md5?.ToUpperInvariant(), null, e.ExternalId, null, null, null, null);
        }
    }

    /// <summary>
    /// A PDQ list: <c>hash,quality,name</c> (the reference CLI's form) when every entry has a quality, else
    /// <c>hash&lt;TAB&gt;name</c>. Entries without a PDQ hash are left out.
    /// </summary>
    public static void WritePdq(TextWriter writer, IEnumerable<BankEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var list = entries.Where(e => e.Pdq is not null).ToList();
        var withQuality = list.Count > 0 && list.All(e => e.PdqQuality is not null);
        using var csv = BankCsv.Writer(writer, withQuality ? ',' : '\t');
        foreach (var e in list)
        {
            var hash = e.Pdq!.Value.ToString();
            if (withQuality)
            {
                csv.WriteRecord(hash, e.PdqQuality!.Value.ToString(CultureInfo.InvariantCulture), e.ExternalId);
            }
            else
            {
                csv.WriteRecord(hash, e.ExternalId);
            }
        }
    }

    /// <summary>
    /// A vPDQ list at <paramref name="listPath"/>: per entry its id (<see cref="BankEntry.ExternalId"/>, else the MD5)
    /// and the path of its vPDQ file relative to the list. The vPDQ file itself is written (reference line format)
    /// when the entry carries its features; otherwise it must already be there.
    /// </summary>
    public static void WriteVpdq(string listPath, IEnumerable<(BankEntry Entry, string RelativePath)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var dir = Path.GetDirectoryName(Path.GetFullPath(listPath))!;
        using var writer = new StreamWriter(listPath, append: false, new System.Text.UTF8Encoding(false));
        using var csv = BankCsv.Writer(writer, '\t');
        foreach (var (e, rel) in entries)
        {
            if (e.Vpdq is not null)
            {
                var target = Path.Combine(dir, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                VpdqFormats.WriteFile(target, e.Vpdq);
            }

            csv.WriteRecord(e.ExternalId ?? e.Md5, rel.Replace('\\', '/'));
        }
    }

    /// <summary>Writes <paramref name="entries"/> to <paramref name="path"/> as <paramref name="format"/> (VICS under its default envelope; vPDQ needs <see cref="WriteVpdq"/>).</summary>
    public static void Write(string path, BankFormat format, IEnumerable<BankEntry> entries)
    {
        if (format == BankFormat.Vics)
        {
            using var stream = File.Create(path);
            VicsFormat.Write(stream, VicsFormat.DefaultEnvelope, entries);
            return;
        }

        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        switch (format)
        {
            case BankFormat.Icse:
                WriteIcse(writer, entries);
                break;
            case BankFormat.Csv:
                WriteCsv(writer, entries);
                break;
            case BankFormat.Nsrl:
                WriteNsrl(writer, entries);
                break;
            case BankFormat.Pdq:
                WritePdq(writer, entries);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "vPDQ lists are written with WriteVpdq; Auto is not a format");
        }
    }
}

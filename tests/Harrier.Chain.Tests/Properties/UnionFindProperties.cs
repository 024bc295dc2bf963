using CsCheck;
using Harrier.Chain.Clustering;

namespace Harrier.Chain.Tests.Properties;

/// <summary>
/// Properties of the union-find behind address clustering (<see cref="UnionFind"/>), checked against a naive model
/// (a label per element, relabelled on every union) after random unions: <c>Find</c> is idempotent and returns a
/// member of the element's own set; elements unioned are in one set; elements are together exactly when the model
/// says so; <c>Union</c> reports true exactly when it merged two sets, so the set count is n − successful unions.
/// On failure CsCheck shrinks the case and its exception message prints the seed; replay by passing it as
/// <c>seed: "…"</c> to <c>Sample</c> (or setting the <c>CsCheck_Seed</c> environment variable).
/// </summary>
public sealed class UnionFindProperties
{
    /// <summary>Up to 40 elements and 80 unions per case; the pairwise check is 1,600 Finds, so this takes well under a second.</summary>
    private const int Iterations = 300;

    private static readonly Gen<(int N, (int A, int B)[] Unions)> Cases =
        Gen.Int[1, 40].SelectMany(n => Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 2 * n].Select(u => (n, u)));

    [Fact]
    public void Random_unions_keep_the_union_find_laws()
    {
        Cases.Sample(c =>
        {
            var uf = new UnionFind(c.N);
            var label = Enumerable.Range(0, c.N).ToArray(); // the model
            var merged = 0;
            foreach (var (a, b) in c.Unions)
            {
                var different = label[a] != label[b];
                Assert.Equal(different, uf.Union(a, b));
                if (different)
                {
                    merged++;
                    var (from, to) = (label[b], label[a]);
                    for (var i = 0; i < c.N; i++)
                    {
                        label[i] = label[i] == from ? to : label[i];
                    }
                }

                Assert.Equal(uf.Find(a), uf.Find(b));
            }

            var roots = new HashSet<int>();
            for (var i = 0; i < c.N; i++)
            {
                var root = uf.Find(i);
                Assert.Equal(root, uf.Find(root));           // idempotent
                Assert.Equal(label[i], label[root]);        // the root is in i's own set
                roots.Add(root);
                for (var j = 0; j < c.N; j++)
                {
                    Assert.Equal(label[i] == label[j], root == uf.Find(j));
                }
            }

            Assert.Equal(c.N - merged, roots.Count);
            Assert.Equal(c.N - merged, label.Distinct().Count());
        }, iter: Iterations, threads: 1, print: c => $"n={c.N} unions=[{string.Join(" ", c.Unions.Select(u => $"{u.A}-{u.B}"))}]");
    }
}

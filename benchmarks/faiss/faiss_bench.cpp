// FAISS side of benchmarks/index-bench.sh, linked against FAISS built from the Debian source package
// with AVX2 and hardware popcount (benchmarks/faiss/build.sh). Same files, same radius, same
// pilot-then-budget measurement and the same JSON line shape as benchmarks/index_faiss.py (which runs
// the Debian python3-faiss build), method names prefixed "faiss-avx2-".
//
//   faiss_bench OUT TAG DATA N Q RADIUS BUDGET [THREADS=1] [--mih 16x16,12x21,8x32] [--flat-max-n N]
//
// Reads OUT/TAG.refs.bin and OUT/TAG.queries.bin (32 bytes per hash, uint8 codes as FAISS reads them)
// and OUT/TAG.counts.bin (int32 true match count of the first K queries, optional); appends one JSON
// line per measurement to OUT/results.jsonl and prints it.
//
// The JSON is written by hand: the lines are flat objects of numbers and plain ASCII strings (data
// kind, method name), so a JSON library would add a dependency and nothing else.
//
// Multi-index exactness: nhash substrings of b bits cover nhash*b <= 256 bits; a reference within
// radius r of the query differs in at most r of the covered bits, so one substring differs in at most
// floor(r / nhash) bits: nflip = r / nhash finds every true match (range_search verifies each
// candidate on the full 256 bits). Recall against counts.bin is measured anyway.
#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int kCodeSize = 32;

struct Args {
    std::string out, tag, data;
    long n = 0, q = 0;
    int radius = 31;
    double budget = 40;
    int threads = 1;
    std::vector<std::pair<int, int>> mih{{16, 16}, {12, 21}, {8, 32}};
    long flatMaxN = -1; // -1: never skip the flat index; else skip it (pilot only) above this N
};

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// FAISS's IndexBinaryMultiHash reads each substring as an unaligned 8-byte load at the substring's
// byte offset, so the last substrings of the last code read up to 7 bytes past the 32: pad buffers.
std::vector<uint8_t> readCodes(const std::string& path, long expected) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) { fprintf(stderr, "faiss_bench: cannot open %s\n", path.c_str()); exit(2); }
    long bytes = f.tellg();
    if (bytes != expected * kCodeSize) {
        fprintf(stderr, "faiss_bench: %s has %ld bytes, expected %ld x 32\n", path.c_str(), bytes, expected);
        exit(2);
    }
    std::vector<uint8_t> v(bytes + 8, 0);
    f.seekg(0);
    f.read(reinterpret_cast<char*>(v.data()), bytes);
    return v;
}

std::vector<int32_t> readTruth(const std::string& path) {
    std::vector<int32_t> v;
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) return v;
    long bytes = f.tellg();
    v.resize(bytes / 4);
    f.seekg(0);
    f.read(reinterpret_cast<char*>(v.data()), (bytes / 4) * 4);
    return v;
}

// Bytes the kernel says can still be allocated without swapping (/proc/meminfo MemAvailable).
double memAvailable() {
    std::ifstream f("/proc/meminfo");
    std::string key;
    double kb;
    while (f >> key >> kb) {
        if (key == "MemAvailable:") return kb * 1024;
        f.ignore(256, '\n');
    }
    return 1e18;
}

// IndexBinaryMultiHash memory, roughly: one 8-byte id per hash and table, plus ~90 bytes per non-empty
// bucket (unordered_map node, std::vector header, heap block). Measured at N = 1M uniform (RSS less
// the codes): 16x16 ~280 B/hash (estimate 222), 12x21 ~930 (1176), 8x32 ~780 (784). At 10M the 8x32
// and 12x21 tables take 8-12 GB, so a configuration that would not fit is skipped, not swapped.
double mihBytes(long n, int nhash, int b) {
    double buckets = std::min((double)n, std::ldexp(1.0, b));
    return nhash * (8.0 * n + 90.0 * buckets) + 32.0 * n;
}

double load1() {
    double l = 0;
    FILE* f = fopen("/proc/loadavg", "r");
    if (f) { if (fscanf(f, "%lf", &l) != 1) l = 0; fclose(f); }
    return l;
}

// Shortest text that reads back as the same double (as Python's json.dumps and .NET write them).
std::string num(double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

struct Emitter {
    const Args& a;
    // fields: already-formatted `"key": value` pairs
    void emit(const std::string& method, const std::vector<std::string>& fields) const {
        std::ostringstream s;
        s << "{\"data\": \"" << a.data << "\", \"n\": " << a.n << ", \"queries\": " << a.q
          << ", \"radius\": " << a.radius << ", \"method\": \"" << method << "\", \"load1\": " << num(load1());
        for (auto& f : fields) s << ", " << f;
        s << "}";
        std::string line = s.str();
        std::ofstream(a.out + "/results.jsonl", std::ios::app) << line << "\n";
        printf("%s\n", line.c_str());
        fflush(stdout);
    }
};

std::string kv(const char* k, double v) { return std::string("\"") + k + "\": " + num(v); }
std::string kv(const char* k, long v) { return std::string("\"") + k + "\": " + std::to_string(v); }
std::string kv(const char* k, const std::string& v) { return std::string("\"") + k + "\": \"" + v + "\""; }

// Pilot on the first min(q, 32) queries, then as many queries as fit the budget (at least the pilot,
// at most q), timed on their own, exactly as index_faiss.py. With pilotOnly the pilot is the measurement.
void measure(const Args& a, const Emitter& e, const std::string& method, const faiss::IndexBinary& index,
             const std::vector<uint8_t>& queries, const std::vector<int32_t>& truth, bool skipIfOver) {
    long pilot = std::min(a.q, 32L);
    double t = now();
    {
        faiss::RangeSearchResult res(pilot);
        index.range_search(pilot, queries.data(), a.radius + 1, &res);
    }
    double pilotSeconds = now() - t;
    double perQuery = pilotSeconds / pilot;
    long run = std::max(pilot, std::min(a.q, (long)(a.budget / std::max(perQuery, 1e-9))));
    bool pilotOnly = skipIfOver && run < a.q;
    if (pilotOnly) run = pilot;

    faiss::RangeSearchResult res(run);
    double seconds = pilotSeconds;
    if (pilotOnly) {
        index.range_search(run, queries.data(), a.radius + 1, &res); // for the counts only
    } else {
        t = now();
        index.range_search(run, queries.data(), a.radius + 1, &res);
        seconds = now() - t;
    }
    std::vector<std::string> f{kv("threads", (long)a.threads), kv("queriesRun", run), kv("seconds", seconds),
                               kv("qps", run / seconds), kv("compsPerSecPerCore", (double)run * a.n / seconds / a.threads),
                               kv("matches", (long)res.lims[run])};
    if (!truth.empty()) {
        long k = std::min(run, (long)truth.size());
        long expected = 0, found = 0;
        for (long i = 0; i < k; i++) {
            long c = (long)(res.lims[i + 1] - res.lims[i]);
            expected += truth[i];
            found += std::min(c, (long)truth[i]);
        }
        f.push_back(kv("recall", expected == 0 ? 1.0 : (double)found / expected));
    } else {
        f.push_back("\"recall\": null");
    }
    if (pilotOnly) f.push_back("\"pilotOnly\": true");
    e.emit(method, f);
}

[[noreturn]] void usage() {
    fprintf(stderr, "usage: faiss_bench OUT TAG DATA N Q RADIUS BUDGET [THREADS=1] [--mih 16x16,12x21,8x32] "
                    "[--flat-max-n N]\n");
    exit(2);
}

} // namespace

int main(int argc, char** argv) {
    Args a;
    std::vector<std::string> pos;
    for (int i = 1; i < argc; i++) {
        std::string s = argv[i];
        if (s == "--mih" && i + 1 < argc) {
            a.mih.clear();
            std::stringstream ss(argv[++i]);
            std::string item;
            while (std::getline(ss, item, ',')) {
                int h, b;
                if (sscanf(item.c_str(), "%dx%d", &h, &b) != 2 || h * b > 256 || b > 56) usage();
                a.mih.emplace_back(h, b);
            }
        } else if (s == "--flat-max-n" && i + 1 < argc) {
            a.flatMaxN = atol(argv[++i]);
        } else {
            pos.push_back(s);
        }
    }
    if (pos.size() < 7) usage();
    a.out = pos[0]; a.tag = pos[1]; a.data = pos[2];
    a.n = atol(pos[3].c_str()); a.q = atol(pos[4].c_str());
    a.radius = atoi(pos[5].c_str()); a.budget = atof(pos[6].c_str());
    if (pos.size() > 7) a.threads = atoi(pos[7].c_str());
    omp_set_num_threads(a.threads);
    Emitter e{a};

    auto refs = readCodes(a.out + "/" + a.tag + ".refs.bin", a.n);
    auto queries = readCodes(a.out + "/" + a.tag + ".queries.bin", a.q);
    auto truth = readTruth(a.out + "/" + a.tag + ".counts.bin");

    {
        double t = now();
        faiss::IndexBinaryFlat flat(256);
        flat.add(a.n, refs.data());
        e.emit("faiss-avx2-flat-build", {kv("seconds", now() - t), kv("bytesPerHash", 32.0)});
        measure(a, e, "faiss-avx2-flat", flat, queries, truth, a.flatMaxN >= 0 && a.n > a.flatMaxN);
    }

    for (auto [nhash, b] : a.mih) {
        std::string name = "faiss-avx2-mih-" + std::to_string(nhash) + "x" + std::to_string(b);
        double need = mihBytes(a.n, nhash, b), avail = memAvailable();
        if (need > 0.8 * avail) {
            e.emit(name + "-skipped", {kv("estimatedBytes", need), kv("memAvailableBytes", avail),
                                       kv("reason", std::string("estimated table memory over 80% of MemAvailable"))});
            continue;
        }
        double t = now();
        auto mih = std::make_unique<faiss::IndexBinaryMultiHash>(256, nhash, b);
        mih->add(a.n, refs.data());
        mih->nflip = a.radius / nhash;
        e.emit(name + "-build", {kv("seconds", now() - t), kv("nhash", (long)nhash), kv("b", (long)b),
                                 kv("nflip", (long)mih->nflip), kv("hashtableSize", (long)mih->hashtable_size())});
        measure(a, e, name, *mih, queries, truth, false);
    }
    return 0;
}

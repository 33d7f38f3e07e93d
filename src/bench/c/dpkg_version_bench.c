/*
 * dpkg_version_bench: dpkg's own C version code (libdpkg's parseversion and
 * dpkg_version_compare) timed on the same version mix and in the same shape as
 * DebianVersionBenchmark, as the baseline for the Java implementation.
 *
 * Usage: dpkg_version_bench MIXFILE MODE [WARMUP_ITERATIONS MEASURED_ITERATIONS PASSES]
 *   MODE: parseAndCompare | parseOnly | compareOnly | compareOnlyInline
 * compareOnlyInline is not libdpkg: it is the same comparison algorithm written here with the
 * character classes inline. libdpkg 1.21's c_isdigit()/c_isalpha() call the out-of-line
 * c_isbits(), which costs dpkg a function call per character; this mode shows what C does
 * without that, for an honest reading of the Java/C ratio.
 * One iteration runs PASSES passes over the mix (one op = one pair); prints the mean ns/op of
 * the measured iterations on the last line, "ns/op <value>".
 *
 * Built by src/bench/version-bench.sh with the same -O2 Debian builds libdpkg with.
 * libdpkg 1.21 names the parser parseversion() (in <dpkg/dpkg-db.h>); later dpkg releases
 * call it dpkg_version_parse().
 */
#define LIBDPKG_VOLATILE_API 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>

#define MAX_PAIRS 100000

static char *as[MAX_PAIRS];
static char *bs[MAX_PAIRS];
static struct dpkg_version pa[MAX_PAIRS];
static struct dpkg_version pb[MAX_PAIRS];
static int npairs;

/* Defeats dead-code elimination, as JMH's Blackhole does. */
volatile long sink;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void
read_mix(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char a[2048], b[2048];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%2047s %2047s", a, b) != 2 || npairs == MAX_PAIRS) {
			fprintf(stderr, "bad mix line: %s", line);
			exit(2);
		}
		as[npairs] = strdup(a);
		bs[npairs] = strdup(b);
		npairs++;
	}
	fclose(f);
}

static void
parse_or_die(struct dpkg_version *v, const char *s)
{
	struct dpkg_error err;

	if (parseversion(v, s, &err) < 0) {
		fprintf(stderr, "bad version '%s': %s\n", s, err.str);
		exit(2);
	}
}

static inline int
digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
weight(int c)
{
	if (digit(c))
		return 0;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c;
	if (c == '~')
		return -1;
	return c ? c + 256 : 0;
}

/* The comparison of verrevcmp() (deb-version(5)), with inline character classes. */
static int
inline_fragment_cmp(const char *a, const char *b)
{
	if (a == NULL)
		a = "";
	if (b == NULL)
		b = "";
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !digit(*a)) || (*b && !digit(*b))) {
			int ac = weight(*a), bc = weight(*b);

			if (ac != bc)
				return ac - bc;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (digit(*a) && digit(*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (digit(*a))
			return 1;
		if (digit(*b))
			return -1;
		if (first_diff)
			return first_diff;
	}
	return 0;
}

static int
inline_version_cmp(const struct dpkg_version *a, const struct dpkg_version *b)
{
	int rc;

	if (a->epoch != b->epoch)
		return a->epoch > b->epoch ? 1 : -1;
	rc = inline_fragment_cmp(a->version, b->version);
	return rc ? rc : inline_fragment_cmp(a->revision, b->revision);
}

/* One pass over the mix; returns a checksum of the comparison results. */
static long
pass(int mode)
{
	long acc = 0;
	int i;

	for (i = 0; i < npairs; i++) {
		struct dpkg_version a, b;

		switch (mode) {
		case 0:
			parseversion(&a, as[i], NULL);
			parseversion(&b, bs[i], NULL);
			acc += dpkg_version_compare(&a, &b) > 0;
			break;
		case 1:
			parseversion(&a, as[i], NULL);
			parseversion(&b, bs[i], NULL);
			acc += a.epoch + b.epoch + (a.version != NULL);
			break;
		case 2:
			acc += dpkg_version_compare(&pa[i], &pb[i]) > 0;
			break;
		default:
			acc += inline_version_cmp(&pa[i], &pb[i]) > 0;
			break;
		}
	}
	return acc;
}

static double
iteration(int mode, long passes)
{
	double t0 = now_ns();
	long p;

	for (p = 0; p < passes; p++) {
		sink += pass(mode);
		/* parseversion copies each version into dpkg's obstack, which only grows until
		 * nffreeall(): free it after every pass, as Java leaves its garbage to the GC. */
		if (mode < 2)
			nffreeall();
	}
	return (now_ns() - t0) / ((double)passes * npairs);
}

int
main(int argc, char **argv)
{
	int mode, warmup = 10, measured = 5, i;
	long passes = 1000;
	double sum = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MIXFILE parseAndCompare|parseOnly|compareOnly|compareOnlyInline"
		        " [WARMUP MEASURED PASSES]\n", argv[0]);
		return 2;
	}
	read_mix(argv[1]);
	if (strcmp(argv[2], "parseAndCompare") == 0)
		mode = 0;
	else if (strcmp(argv[2], "parseOnly") == 0)
		mode = 1;
	else if (strcmp(argv[2], "compareOnly") == 0)
		mode = 2;
	else if (strcmp(argv[2], "compareOnlyInline") == 0)
		mode = 3;
	else {
		fprintf(stderr, "unknown mode %s\n", argv[2]);
		return 2;
	}
	if (argc > 5) {
		warmup = atoi(argv[3]);
		measured = atoi(argv[4]);
		passes = atol(argv[5]);
	}

	/* Every version in the mix must be valid, as the Java benchmark requires. */
	for (i = 0; i < npairs; i++) {
		int want, got;

		parse_or_die(&pa[i], as[i]);
		parse_or_die(&pb[i], bs[i]);
		want = dpkg_version_compare(&pa[i], &pb[i]);
		got = inline_version_cmp(&pa[i], &pb[i]);
		if ((want > 0) != (got > 0) || (want < 0) != (got < 0)) {
			fprintf(stderr, "inline comparison differs from libdpkg on %s %s\n",
			        as[i], bs[i]);
			return 2;
		}
	}

	for (i = 0; i < warmup; i++)
		printf("warmup %d: %.2f ns/op\n", i + 1, iteration(mode, passes));
	for (i = 0; i < measured; i++) {
		double r = iteration(mode, passes);

		printf("iteration %d: %.2f ns/op\n", i + 1, r);
		sum += r;
	}
	printf("ns/op %.3f\n", sum / measured);
	return 0;
}

package validate

import (
	"regexp"
	"strings"
	"testing"
)

// patterns are the doc's shapes (simple: the byte loop decides) and others
// (simple false: the regexp decides).
var patterns = []struct {
	src    string
	simple bool
}{
	{`^[0-9A-F]{64}$`, true},
	{`^[0-9A-F]{32}$`, true},
	{`^https://[^?#]+$`, true},
	{`^[0-9A-Za-z_\-|*]+$`, true},
	{`^\d{14}$`, true},
	{`^[a-z]{2,4}$`, true},
	{`^[a-z]{2,}$`, true},
	{`^x*$`, true},
	{`^x?$`, true},
	{`^.+$`, true},
	{`^(?s:.)+$`, true},
	{`^[^a]*$`, true},
	{`^[中文]+\.txt$`, true},
	{`^wx[0-9a-f]{16}$`, true},
	{`^abc$`, true},
	{`^$`, true},
	{`^(?i)abc[0-9]+$`, false},
	{`^(?i:x)+$`, false},
	{`^[0-9]+-[0-9]+$`, false},
	{`^(ab)+$`, false},
	{`^a|b$`, false},
	{`[0-9]+`, false},
	{`^[0-9]+`, false},
	{`(?m)^[0-9]+$`, false},
	{"^\uFFFD+$", true},
	{"^a\uFFFD[0-9]+$", false},
}

var samples = []string{
	"", "a", "x", "xx", "abc", "ABC", "ab", "abcd", "abcde", "12345678901234", "1234567890123", "123456789012345",
	"0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef", strings.Repeat("A", 64), strings.Repeat("A", 65),
	"https://a", "https://", "https://a/b?c", "https://a#b", "http://a", "https://例子.cn/通知", "https://a\n",
	"Ab9_-|*", "ab cd", "a中", "中文.txt", "中.txt", ".txt", "中文.tx", "wx0123456789abcdef", "wx0123456789abcdeg",
	"\xff", "a\xffb", "https://\xff", "\uFFFD", "\uFFFD\uFFFD", "a\uFFFD1", "a\xff1", "\n", "a\nb", "AbC123", "abc1",
	"1-2", "abab", "b", "😀", "x😀", "\xe4\xb8",
}

func TestRegexpAgreesWithRegexp(t *testing.T) {
	for _, tt := range patterns {
		p := MustCompile(tt.src)
		if p.simple != tt.simple {
			t.Errorf("%s: simple %v, want %v", tt.src, p.simple, tt.simple)
		}
		re := regexp.MustCompile(tt.src)
		for _, s := range samples {
			if got, want := p.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s on %q: %v, regexp says %v", tt.src, s, got, want)
			}
		}
		if p.String() != tt.src {
			t.Errorf("String() = %q", p.String())
		}
	}
}

func FuzzPattern(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	type pair struct {
		fast *Regexp
		re   *regexp.Regexp
	}
	var ps []pair
	for _, tt := range patterns {
		ps = append(ps, pair{MustCompile(tt.src), regexp.MustCompile(tt.src)})
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := len([]rune(s))
		for _, p := range ps {
			if got, want := p.fast.MatchString(s), p.re.MatchString(s); got != want {
				t.Errorf("%s on %q: %v, regexp says %v", p.re, s, got, want)
			}
			i := p.fast.FirstDisallowed(s)
			if i < -1 || i >= n {
				t.Errorf("%s on %q: FirstDisallowed %d out of range", p.re, s, i)
			}
			if i >= 0 && p.fast.MatchString(s) {
				t.Errorf("%s on %q: matches, yet FirstDisallowed %d", p.re, s, i)
			}
		}
	})
}

func TestFirstDisallowed(t *testing.T) {
	tests := []struct {
		src, value string
		want       int
	}{
		{`^[0-9A-Za-z_\-|*]+$`, "ab cd", 2},
		{`^[0-9A-Za-z_\-|*]+$`, "a中", 1},
		{`^[0-9A-Za-z_\-|*]+$`, "abc", -1},
		{`^\d{14}$`, "123", -1}, // every character allowed, too short
		{`^\d{14}$`, "12x", 2},  // x is never allowed
		{`^https://[^?#]+$`, "https://例子.cn/?q", 14},
		{`^https://[^?#]+$`, "http://a", -1}, // the prefix is wrong: the form as a whole
		{`^[a-z]+\.txt$`, "ab1.txt", 2},
		{`^[a-z]+\.txt$`, "ab1.tx", -1}, // the suffix is wrong
		{`^[0-9]+-[0-9]+$`, "1x-2", -1}, // not a simple shape
	}
	for _, tt := range tests {
		if got := MustCompile(tt.src).FirstDisallowed(tt.value); got != tt.want {
			t.Errorf("%s on %q: %d, want %d", tt.src, tt.value, got, tt.want)
		}
		// A *regexp.Regexp gets the same answer, from the analysis kept per source.
		if got := disallowedIndex(regexp.MustCompile(tt.src), tt.value); got != tt.want {
			t.Errorf("*regexp.Regexp %s on %q: %d, want %d", tt.src, tt.value, got, tt.want)
		}
	}
}

func TestCompileRejectsBadPattern(t *testing.T) {
	if _, err := Compile(`^[a-$`); err == nil {
		t.Fatal("no error")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompile did not panic")
		}
	}()
	MustCompile(`^(`)
}

// The byte loop allocates nothing, matching or not, and a failed match on a
// *regexp.Regexp rule does not parse the pattern again.
func TestPatternAllocations(t *testing.T) {
	sign := MustCompile(`^[0-9A-F]{64}$`)
	url := MustCompile(`^https://[^?#]+$`)
	valid := strings.Repeat("0A", 32)
	if n := testing.AllocsPerRun(100, func() {
		_ = sign.MatchString(valid)
		_ = sign.MatchString("0a")
		_ = url.MatchString("https://例子.cn/通知")
		_ = url.FirstDisallowed("https://a/?q")
	}); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
	re := regexp.MustCompile(`^[0-9A-Za-z_\-|*]+$`)
	rule := &StringRule{Pattern: re}
	if n := testing.AllocsPerRun(100, func() {
		var c Collector
		c.String("code", "ab cd", rule)
	}); n > 2 {
		t.Errorf("a violation of a *regexp.Regexp pattern: %v allocations, want at most 2", n)
	}
}

func BenchmarkPattern(b *testing.B) {
	for _, src := range []string{`^[0-9A-F]{64}$`, `^https://[^?#]+$`} {
		fast, re := MustCompile(src), regexp.MustCompile(src)
		v := strings.Repeat("0A", 32)
		if src[1] == 'h' {
			v = "https://merchant.example.com/payscore/notify"
		}
		b.Run(src+"/byte_loop", func(b *testing.B) {
			for b.Loop() {
				if !fast.MatchString(v) {
					b.Fatal("no match")
				}
			}
		})
		b.Run(src+"/regexp", func(b *testing.B) {
			for b.Loop() {
				if !re.MatchString(v) {
					b.Fatal("no match")
				}
			}
		})
	}
}

package validate

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// Pattern is the pattern of a [StringRule]: a [*Regexp] from [MustCompile]
// (what generated code uses) or a *regexp.Regexp. The value must match it as
// a whole, so it should be anchored with ^ and $.
type Pattern interface {
	MatchString(s string) bool
	String() string
}

// Regexp is a pattern compiled once for validation. The shapes WeChat's docs
// use, an optional literal prefix, one character class with a repeat count
// and an optional literal suffix, anchored at both ends (^[0-9A-F]{64}$,
// ^https://[^?#]+$, ^[0-9A-Za-z_\-|*]+$), are checked by a byte loop over a
// table, without allocating; other patterns run their regexp.Regexp. Both
// accept exactly what regexp.MatchString accepts.
type Regexp struct {
	re *regexp.Regexp
	// simple is set when the byte loop below decides the match.
	simple   bool
	prefix   string
	suffix   string
	min, max int       // repeats of the class; max < 0: unbounded
	ascii    [256]bool // class membership of bytes < 0x80; false from 0x80 up
	ranges   []rune    // the class as lo, hi pairs, for runes from 0x80 up
	allRunes bool      // every rune from 0x80 up is in the class
	chars    bool      // there is a class (not a bare literal)
}

// Compile compiles a pattern with regexp.Compile and analyses its shape.
func Compile(src string) (*Regexp, error) {
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, err
	}
	p := &Regexp{re: re}
	p.analyse(src)
	return p, nil
}

// MustCompile is Compile for package-level rules: it panics on a pattern
// that does not compile.
func MustCompile(src string) *Regexp {
	p, err := Compile(src)
	if err != nil {
		panic("validate: MustCompile(" + src + "): " + err.Error())
	}
	return p
}

// String returns the pattern's source.
func (p *Regexp) String() string { return p.re.String() }

// MatchString reports whether s matches the pattern (as regexp.MatchString).
func (p *Regexp) MatchString(s string) bool {
	if !p.simple {
		return p.re.MatchString(s)
	}
	if len(s) < len(p.prefix)+len(p.suffix) || s[:len(p.prefix)] != p.prefix || s[len(s)-len(p.suffix):] != p.suffix {
		return false
	}
	mid := s[len(p.prefix) : len(s)-len(p.suffix)]
	if !p.chars {
		return mid == ""
	}
	if len(mid) < p.min { // a character is at least one byte
		return false
	}
	n := 0
	for i := 0; i < len(mid); n++ {
		c := mid[i]
		if p.ascii[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(mid[i:])
		if !p.inClass(r) {
			return false
		}
		i += size
	}
	return n >= p.min && (p.max < 0 || n <= p.max)
}

// FirstDisallowed returns the rune index in s of the first character the
// pattern cannot accept at its place, or -1 when every character could be
// accepted (the length or the overall form is wrong) or the pattern's shape
// does not tell. For a prefix pattern, the index is that of the first
// character after a matching prefix that the class refuses.
func (p *Regexp) FirstDisallowed(s string) int {
	if !p.simple || !p.chars || !strings.HasPrefix(s, p.prefix) {
		return -1
	}
	mid, ok := strings.CutSuffix(s[len(p.prefix):], p.suffix)
	if !ok {
		return -1
	}
	i := utf8.RuneCountInString(p.prefix)
	for _, r := range mid {
		if !p.inClass(r) {
			return i
		}
		i++
	}
	return -1
}

func (p *Regexp) inClass(r rune) bool {
	if r < utf8.RuneSelf {
		return p.ascii[r]
	}
	if p.allRunes {
		return true
	}
	for i := 0; i+1 < len(p.ranges); i += 2 {
		if p.ranges[i] <= r && r <= p.ranges[i+1] {
			return true
		}
	}
	return false
}

// analyse sets simple (and the table) when src is ^prefix class{min,max}
// suffix$ with literal prefix and suffix.
func (p *Regexp) analyse(src string) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) < 2 || subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return
	}
	subs = subs[1 : len(subs)-1]
	if len(subs) > 0 && subs[0].Op == syntax.OpLiteral {
		lit, ok := literal(subs[0])
		if !ok {
			return
		}
		p.prefix, subs = lit, subs[1:]
	}
	if len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpLiteral {
		lit, ok := literal(subs[len(subs)-1])
		if !ok {
			return
		}
		p.suffix, subs = lit, subs[:len(subs)-1]
	}
	switch len(subs) {
	case 0:
		p.simple = true
		return
	case 1:
	default:
		return
	}
	node, lo, hi := subs[0], 1, 1
	switch node.Op {
	case syntax.OpStar:
		lo, hi = 0, -1
	case syntax.OpPlus:
		lo, hi = 1, -1
	case syntax.OpQuest:
		lo, hi = 0, 1
	case syntax.OpRepeat:
		lo, hi = node.Min, node.Max
	}
	if node.Op == syntax.OpStar || node.Op == syntax.OpPlus || node.Op == syntax.OpQuest || node.Op == syntax.OpRepeat {
		node = node.Sub[0]
	}
	var ranges []rune
	switch node.Op {
	case syntax.OpCharClass:
		ranges = node.Rune
	case syntax.OpLiteral:
		if len(node.Rune) != 1 || node.Flags&syntax.FoldCase != 0 {
			return
		}
		ranges = []rune{node.Rune[0], node.Rune[0]}
	case syntax.OpAnyChar:
		ranges = []rune{0, utf8.MaxRune}
	case syntax.OpAnyCharNotNL:
		ranges = []rune{0, '\n' - 1, '\n' + 1, utf8.MaxRune}
	default:
		return
	}
	p.min, p.max, p.chars = lo, hi, true
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < utf8.RuneSelf; r++ {
			p.ascii[r] = true
		}
		if ranges[i+1] >= utf8.RuneSelf {
			p.ranges = append(p.ranges, max(ranges[i], utf8.RuneSelf), ranges[i+1])
		}
	}
	// The class is sorted and merged: one range from 0x80 to the last rune
	// means every non-ASCII rune (and the U+FFFD an invalid byte reads as).
	p.allRunes = len(p.ranges) == 2 && p.ranges[0] == utf8.RuneSelf && p.ranges[1] == utf8.MaxRune
	p.simple = true
}

// literal returns the text of a case-sensitive literal node. A literal with
// U+FFFD is refused: regexp matches it against an invalid byte, a byte
// comparison would not.
func literal(n *syntax.Regexp) (string, bool) {
	if n.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	for _, r := range n.Rune {
		if r == utf8.RuneError {
			return "", false
		}
	}
	return string(n.Rune), true
}

// disallowedIndex is FirstDisallowed of any Pattern. A *regexp.Regexp is
// analysed once per source and the analysis kept (up to a bound), so a
// failed match never parses the pattern again.
func disallowedIndex(p Pattern, value string) int {
	if r, ok := p.(interface{ FirstDisallowed(string) int }); ok {
		return r.FirstDisallowed(value)
	}
	re, ok := p.(*regexp.Regexp)
	if !ok {
		return -1
	}
	return analysed(re).FirstDisallowed(value)
}

const maxAnalysed = 1024

var analyses struct {
	sync.Mutex
	m map[string]*Regexp
}

func analysed(re *regexp.Regexp) *Regexp {
	src := re.String()
	analyses.Lock()
	defer analyses.Unlock()
	if a, ok := analyses.m[src]; ok {
		return a
	}
	a := &Regexp{re: re}
	a.analyse(src)
	if analyses.m == nil {
		analyses.m = map[string]*Regexp{}
	}
	if len(analyses.m) < maxAnalysed {
		analyses.m[src] = a
	}
	return a
}

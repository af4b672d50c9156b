package validate

import (
	"regexp"
	"regexp/syntax"
	"unicode"
)

// firstDisallowed returns the rune index of the first character of value
// that the pattern cannot accept anywhere, or -1 when that cannot be told.
//
// It understands the shape the WeChat docs use, a repeated character class
// such as ^[0-9A-Za-z_\-|*]+$ (anchors optional, any repeat operator). For
// other shapes it returns -1: the whole value is reported as not matching.
// It runs only after a failed match, so its allocations are off the valid
// path.
func firstDisallowed(re *regexp.Regexp, value string) int {
	allowed := charMatcher(re.String())
	if allowed == nil {
		return -1
	}
	i := 0
	for _, r := range value {
		if !allowed(r) {
			return i
		}
		i++
	}
	return -1
}

// charMatcher returns a membership test for the single repeated character
// class of src, or nil when src has another shape.
func charMatcher(src string) func(rune) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return nil
	}
	node := re
	if node.Op == syntax.OpConcat {
		subs := node.Sub
		for len(subs) > 0 && (subs[0].Op == syntax.OpBeginText || subs[0].Op == syntax.OpBeginLine) {
			subs = subs[1:]
		}
		for len(subs) > 0 && (subs[len(subs)-1].Op == syntax.OpEndText || subs[len(subs)-1].Op == syntax.OpEndLine) {
			subs = subs[:len(subs)-1]
		}
		if len(subs) != 1 {
			return nil
		}
		node = subs[0]
	}
	switch node.Op {
	case syntax.OpPlus, syntax.OpStar, syntax.OpQuest, syntax.OpRepeat:
		node = node.Sub[0]
	}
	switch node.Op {
	case syntax.OpCharClass:
		ranges := node.Rune
		return func(r rune) bool {
			for i := 0; i+1 < len(ranges); i += 2 {
				if ranges[i] <= r && r <= ranges[i+1] {
					return true
				}
			}
			return false
		}
	case syntax.OpLiteral:
		if len(node.Rune) != 1 {
			return nil
		}
		want, fold := node.Rune[0], node.Flags&syntax.FoldCase != 0
		return func(r rune) bool {
			if r == want {
				return true
			}
			if fold {
				for f := unicode.SimpleFold(want); f != want; f = unicode.SimpleFold(f) {
					if f == r {
						return true
					}
				}
			}
			return false
		}
	case syntax.OpAnyChar:
		return func(rune) bool { return true }
	case syntax.OpAnyCharNotNL:
		return func(r rune) bool { return r != '\n' }
	}
	return nil
}

package spec

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder turns yaml.v3 nodes into model values, reporting every type error,
// unknown key, missing key and bad enum value instead of stopping at the first.
type decoder struct {
	file  string
	r     *reporter
	depth int
	steps int
	stop  bool // the budget ran out: one problem said so, decode no more
}

// Aliases can make a small file describe a huge or endless tree; these
// bounds keep a hostile file from hanging the loader.
const givingUp = "the document nests or repeats too deeply (aliases?); giving up on this file"

const (
	maxDepth = 32
	maxSteps = 50_000 // a shipped spec file has about 2,000 nodes
)

func (d *decoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: n.Line, Col: n.Column}
}

// resolve follows aliases so anchors work like copies.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!int", "!!float":
			return fmt.Sprintf("the number %s", n.Value)
		case "!!bool":
			return fmt.Sprintf("the boolean %s", n.Value)
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "an unexpected node"
}

// decodeValue fills v (addressable) from n. ki describes the key being
// decoded, for enum and scalar options; name is used in messages.
func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, ki keyInfo) {
	n = resolve(n)
	if d.stop {
		return
	}
	d.steps++
	if d.depth >= maxDepth || d.steps > maxSteps {
		d.r.always(d.pos(n), ki.Key+": "+givingUp)
		d.stop = true
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if v.Type().Elem().Kind() == reflect.Struct {
			if n.Kind != yaml.MappingNode {
				d.r.add(d.pos(n), "%s: expected a mapping, found %s", ki.Key, describe(n))
				return
			}
			d.decodeStruct(n, elem.Elem())
			if d.stop {
				return // cut short: leave it out rather than half-filled
			}
		} else {
			if !d.decodeScalar(n, elem.Elem(), ki) {
				return
			}
		}
		v.Set(elem)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.r.add(d.pos(n), "%s: expected a list, found %s", ki.Key, describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
		elem := reflect.New(v.Type().Elem()).Elem()
		itemKey := ki
		for i, item := range n.Content {
			itemKey.Key = fmt.Sprintf("%s[%d]", ki.Key, i)
			elem.SetZero()
			d.decodeValue(item, elem, itemKey)
			// An item that failed to decode (reported, or cut off by the
			// budget) is left out: later checks never see a nil entry.
			if elem.Kind() == reflect.Pointer && elem.IsNil() {
				continue
			}
			s = reflect.Append(s, elem)
		}
		v.Set(s)
	default:
		d.decodeScalar(n, v, ki)
	}
}

// decodeScalar fills a string, int or bool; it reports and returns false on a mismatch.
func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, ki keyInfo) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.r.add(d.pos(n), "%s: expected %s, found %s", ki.Key, kindWord(v.Kind()), describe(n))
		return false
	}
	tag := n.ShortTag()
	switch v.Kind() {
	case reflect.String:
		// A date-like value (2022-06-09) is a !!timestamp to YAML, but a string to us.
		if tag != "!!str" && tag != "!!timestamp" && !ki.Scalar {
			d.r.add(d.pos(n), "%s: expected a string, found %s (quote it)", ki.Key, describe(n))
			return false
		}
		if len(ki.Enum) > 0 && !contains(ki.Enum, n.Value) {
			d.r.add(d.pos(n), "%s: %q is not one of %s", ki.Key, n.Value, strings.Join(ki.Enum, ", "))
			return false
		}
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if tag != "!!int" {
			d.r.add(d.pos(n), "%s: expected an integer, found %s", ki.Key, describe(n))
			return false
		}
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil || (v.Kind() == reflect.Int && int64(int(i)) != i) {
			d.r.add(d.pos(n), "%s: integer %s is out of range", ki.Key, n.Value)
			return false
		}
		v.SetInt(i)
	case reflect.Bool:
		if tag != "!!bool" {
			d.r.add(d.pos(n), "%s: expected true or false, found %s", ki.Key, describe(n))
			return false
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	default:
		panic("spec: model field of unsupported kind " + v.Kind().String())
	}
	return true
}

func kindWord(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "true or false"
	}
	return k.String()
}

// decodeStruct fills the struct v from the mapping n.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	si := infoOf(v.Type())
	// Keys count against the budget too: through aliases, a mapping with
	// thousands of unknown keys can be visited thousands of times.
	d.steps += len(n.Content) / 2
	if d.steps > maxSteps {
		if !d.stop {
			d.r.always(d.pos(n), givingUp)
			d.stop = true
		}
		return
	}
	pos := d.pos(n)
	pos.keys = make([]keyPos, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode {
			v := resolve(n.Content[i+1])
			pos.keys = append(pos.keys, keyPos{key: k.Value, line: int32(v.Line), col: int32(v.Column)})
		}
	}
	if si.PosIdx >= 0 {
		v.Field(si.PosIdx).Set(reflect.ValueOf(pos))
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := resolve(n.Content[i]), n.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			d.r.add(d.pos(kn), "expected a key, found %s", describe(kn))
			continue
		}
		idx, ok := si.ByKey[kn.Value]
		if !ok && d.r.full(d.file) {
			continue // nothing more is listed for this file: skip the suggestion's work
		}
		if !ok {
			msg := fmt.Sprintf("unknown key %q", kn.Value)
			if guess := closest(kn.Value, si.keyNames()); guess != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", guess)
			}
			d.r.add(d.pos(kn), "%s", msg)
			continue
		}
		if seen[kn.Value] {
			d.r.add(d.pos(kn), "duplicate key %q", kn.Value)
			continue
		}
		seen[kn.Value] = true
		ki := si.Keys[idx]
		d.decodeValue(vn, v.FieldByIndex(ki.Index), ki)
	}
	for _, ki := range si.Keys {
		if ki.Required && !seen[ki.Key] {
			d.r.add(d.pos(n), "missing required key %q", ki.Key)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closest returns the nearest candidate when it is close enough to be the
// intended key: within an edit distance of a third of s (at least 1), so
// "max_lenght" suggests "max_length" but "k0" suggests nothing.
func closest(s string, candidates []string) string {
	best, bestDist := "", max(1, len(s)/3)+1
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }

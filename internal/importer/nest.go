package importer

import (
	"regexp"
	"unicode"
)

// memberAssign is sample code setting a member of the request object:
// req.extInfo = ..., which puts extInfo at the top level.
var memberAssign = regexp.MustCompile(`\b[A-Za-z_]\w*\.([A-Za-z_]\w*)\s*=[^=]`)

// evidence records which keys the page's examples and sample code put
// directly under which parent key ("" for the top level). Copied tables do
// not show where the members of a nested object end; the examples do.
type evidence struct {
	pairs map[[2]string]bool
	order [][2]string // pairs in the order first seen
}

func (e *evidence) add(parent, name string) {
	k := [2]string{parent, name}
	if !e.pairs[k] {
		e.pairs[k] = true
		e.order = append(e.order, k)
	}
}

// members returns the keys seen under parent, in page order.
func (e *evidence) members(parent string) []string {
	var out []string
	for _, k := range e.order {
		if k[0] == parent {
			out = append(out, k[1])
		}
	}
	return out
}

func newEvidence() *evidence { return &evidence{pairs: map[[2]string]bool{}} }

func (e *evidence) has(parent, name string) bool { return e.pairs[[2]string{parent, name}] }

// maxDepth bounds the brace nesting followed in examples.
const maxDepth = 64

// scan reads JSON and JavaScript object literals leniently (unquoted keys,
// single or typographic quotes, trailing commas, "..." values): examples on
// doc pages are often not valid JSON.
func (e *evidence) scan(s string) {
	type frame struct {
		key   string
		array bool
	}
	var stack []frame
	parent := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].key
	}
	push := func(f frame) {
		if len(stack) < maxDepth {
			stack = append(stack, f)
		}
	}
	for _, m := range memberAssign.FindAllStringSubmatch(s, -1) {
		e.add("", m[1])
	}
	pending := ""
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '"' || c == '\'' || c == '‘' || c == '“':
			closer := map[rune]rune{'"': '"', '\'': '\'', '‘': '’', '“': '”'}[c]
			j := i + 1
			for j < len(rs) && rs[j] != closer && rs[j] != '\n' {
				if rs[j] == '\\' {
					j++
				}
				j++
			}
			str := string(rs[i+1 : min(j, len(rs))])
			k := skipSpaces(rs, j+1)
			if k < len(rs) && rs[k] == ':' && isIdent(str) {
				e.add(parent(), str)
				pending, i = str, k
				continue
			}
			pending, i = "", j
		case c == '{':
			key := pending
			if key == "" && len(stack) > 0 && stack[len(stack)-1].array {
				key = stack[len(stack)-1].key
			}
			push(frame{key: key})
			pending = ""
		case c == '[':
			key := pending
			if key == "" && len(stack) > 0 && stack[len(stack)-1].array {
				key = stack[len(stack)-1].key
			}
			push(frame{key: key, array: true})
			pending = ""
		case c == '}' || c == ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			pending = ""
		case c == '_' || c < unicode.MaxASCII && unicode.IsLetter(c):
			j := i
			for j < len(rs) && (rs[j] == '_' || rs[j] < unicode.MaxASCII && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]))) {
				j++
			}
			k := skipSpaces(rs, j)
			// key: value, but not a URL's scheme (https://).
			if k < len(rs) && rs[k] == ':' && (k+1 >= len(rs) || rs[k+1] != '/') {
				id := string(rs[i:j])
				e.add(parent(), id)
				pending, i = id, k
				continue
			}
			i = j - 1
		case c == ',':
			pending = ""
		}
	}
}

func skipSpaces(rs []rune, i int) int {
	for i < len(rs) && (rs[i] == ' ' || rs[i] == '\t' || rs[i] == '\n') {
		i++
	}
	return i
}

func isIdent(s string) bool { return s != "" && identCell.MatchString(s) }

// nest builds the tree of rows. A row marked opens (followed by 属性 or a
// sub-table header) takes the rows after it as members until a row belongs
// higher up: by indentation when the copy kept it, else by the examples.
// When neither tells, the row stays inside and says so.
func nest(rows []*param, ev *evidence) []*param {
	var roots, stack []*param
	byIndent := indentVaries(rows)
	justOpened := false
	for _, r := range rows {
		if len(stack) > 0 && !justOpened {
			stack = stack[:place(stack, r, ev, byIndent)]
		}
		if len(stack) == 0 {
			roots = append(roots, r)
		} else {
			top := stack[len(stack)-1]
			top.children = append(top.children, r)
		}
		justOpened = false
		if r.opens {
			stack = append(stack, r)
			justOpened = true
		}
	}
	return roots
}

func indentVaries(rows []*param) bool {
	for _, r := range rows[min(1, len(rows)):] {
		if r.indent != rows[0].indent {
			return true
		}
	}
	return false
}

// place returns how many open parents r stays inside.
func place(stack []*param, r *param, ev *evidence, byIndent bool) int {
	if byIndent {
		d := len(stack)
		for d > 0 && r.indent <= stack[d-1].indent {
			d--
		}
		return d
	}
	parent := stack[len(stack)-1]
	if ev.has(parent.name, r.name) {
		return len(stack)
	}
	for d := len(stack) - 1; d >= 0; d-- {
		anc := ""
		if d > 0 {
			anc = stack[d-1].name
		}
		if ev.has(anc, r.name) {
			return d
		}
	}
	r.todo("the page does not show whether %s is a member of %s (placed inside it) or a parameter at the level above", r.name, parent.name)
	return len(stack)
}

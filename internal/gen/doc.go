package gen

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/internal/spec"
)

// The one doc-comment renderer of the generated code: every comment is
// wrapped so that no line passes maxColumns (a tab counted as tabWidth,
// a CJK character as two columns).
const (
	maxColumns = 100
	tabWidth   = 4
)

// commenter is what takes comment lines: a *jen.File or a *jen.Group.
type commenter interface {
	Comment(string) *jen.Statement
}

// doc writes paragraphs as one doc comment at indent tabs, separated by
// empty comment lines. Empty paragraphs are skipped.
func doc(g commenter, indent int, paragraphs ...string) {
	first := true
	for _, para := range paragraphs {
		if strings.TrimSpace(para) == "" {
			continue
		}
		if !first {
			g.Comment("")
		}
		first = false
		for _, l := range wrap(para, maxColumns-indent*tabWidth-len("// ")) {
			g.Comment(l)
		}
	}
}

// docLines writes lines as one doc comment at indent tabs, each wrapped,
// without empty lines between them: for the short comments of fields.
func docLines(g commenter, indent int, lines ...string) {
	for _, line := range lines {
		for _, l := range wrap(line, maxColumns-indent*tabWidth-len("// ")) {
			g.Comment(l)
		}
	}
}

// wrap breaks s into lines of at most width columns: at spaces, and inside
// runs of CJK text, which has none. Explicit newlines are kept.
func wrap(s string, width int) []string {
	var out []string
	for _, para := range ir.Lines(s) {
		line, lineW := "", 0
		flush := func() {
			if line != "" {
				out = append(out, line)
			}
			line, lineW = "", 0
		}
		for _, w := range strings.Fields(para) {
			ww := columns(w)
			switch {
			case line == "" && ww <= width:
				line, lineW = w, ww
			case line != "" && lineW+1+ww <= width:
				line, lineW = line+" "+w, lineW+1+ww
			default:
				if line != "" {
					// Fill the line with the head of a Chinese run first.
					if head, rest := cutColumns(w, width-lineW-1); head != "" {
						line, w = line+" "+head, rest
					}
				}
				flush()
				for _, piece := range splitWide(w, width) {
					flush()
					line, lineW = piece, columns(piece)
				}
			}
		}
		flush()
	}
	return out
}

// splitWide cuts a word wider than width between CJK characters, where
// Chinese text may break; a word without them stays whole.
func splitWide(w string, width int) []string {
	if columns(w) <= width {
		return []string{w}
	}
	var out []string
	start, cols := 0, 0
	for i, r := range w {
		rw := runeColumns(r)
		if cols+rw > width && i > start && (isWide(r) || isWide(lastRune(w[:i]))) {
			out = append(out, w[start:i])
			start, cols = i, 0
		}
		cols += rw
	}
	return append(out, w[start:])
}

// cutColumns cuts w at the last place within room columns where Chinese
// text may break (next to a CJK character), or returns "" and w.
func cutColumns(w string, room int) (head, rest string) {
	cut, cols := 0, 0
	for i, r := range w {
		if i > 0 && (isWide(r) || isWide(lastRune(w[:i]))) {
			cut = i
		}
		cols += runeColumns(r)
		if cols > room {
			break
		}
		if i+utf8.RuneLen(r) == len(w) {
			return w, ""
		}
	}
	if cut == 0 {
		return "", w
	}
	return w[:cut], w[cut:]
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

func runeColumns(r rune) int {
	if isWide(r) {
		return 2
	}
	return 1
}

func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

// pageLine names a file's doc page by title, date and official URL.
func pageLine(f *spec.File) string {
	if f == nil || f.Page == nil {
		return ""
	}
	p := f.Page
	s := "Doc page: " + p.Title
	if p.Updated != "" {
		s += " (updated " + p.Updated + ")"
	}
	if p.URL != "" {
		s += ", " + p.URL
	}
	return s + "."
}

// structDoc is a struct's doc: its paragraphs, then its page.
func structDoc(s *ir.Struct) []string {
	return append(append([]string(nil), s.Doc...), pageLine(s.Page))
}

// fieldDoc is the doc comment of a field: the doc's name for it, its
// description, then its limits in one line.
func fieldDoc(f *spec.Field) []string {
	var out []string
	if f.Title != "" && f.Title != f.Name {
		out = append(out, f.Title+" ("+f.Name+").")
	}
	for _, l := range ir.Lines(f.Description) {
		if l != f.Title && l != f.Name {
			out = append(out, l)
		}
	}
	var facts []string
	facts = append(facts, limitText(&f.Schema))
	if f.Required {
		facts = append(facts, "required")
	} else {
		facts = append(facts, "optional")
	}
	if f.In != "" {
		facts = append(facts, "in "+f.In)
	}
	switch {
	case f.Format == spec.FormatFen:
		facts = append(facts, "amount in fen (分)")
	case f.Format != "":
		facts = append(facts, "format "+string(f.Format))
	case len(f.Formats) > 0:
		var fs []string
		for _, x := range f.Formats {
			fs = append(fs, string(x))
		}
		facts = append(facts, "format "+strings.Join(append(fs, f.Literals...), " or "))
	}
	if f.Const != "" {
		facts = append(facts, fmt.Sprintf("fixed %q", f.Const))
	}
	if f.Reject4ByteUTF8 {
		facts = append(facts, "no 4-byte UTF-8 (emoji)")
	}
	if f.Example != "" {
		facts = append(facts, "示例值: "+f.Example)
	}
	if f.Erratum != "" {
		facts = append(facts, "see erratum "+f.Erratum)
	}
	out = append(out, strings.Join(facts, "; ")+".")
	if f.Borrowed != "" {
		out = append(out, "Borrowed: "+f.Borrowed+".")
	}
	if f.Source != "" {
		out = append(out, "Source: "+f.Source+".")
	}
	return out
}

// limitText renders a schema's type and limits as the doc does: string[1,32].
func limitText(s *spec.Schema) string {
	switch s.Type {
	case spec.KindString:
		if s.MinLength == nil && s.MaxLength == nil {
			return "string"
		}
		lo, hi := "0", "∞"
		if s.MinLength != nil {
			lo = fmt.Sprint(*s.MinLength)
		}
		if s.MaxLength != nil {
			hi = fmt.Sprint(*s.MaxLength)
		}
		return fmt.Sprintf("string[%s,%s] characters", lo, hi)
	case spec.KindInteger:
		switch {
		case s.Minimum != nil && s.Maximum != nil:
			return fmt.Sprintf("integer in [%d,%d]", *s.Minimum, *s.Maximum)
		case s.Minimum != nil:
			return fmt.Sprintf("integer >= %d", *s.Minimum)
		case s.Maximum != nil:
			return fmt.Sprintf("integer <= %d", *s.Maximum)
		}
	case spec.KindArray:
		items := "array"
		switch {
		case s.MinItems != nil && s.MaxItems != nil:
			items = fmt.Sprintf("array of %d to %d items", *s.MinItems, *s.MaxItems)
		case s.MaxItems != nil:
			items = fmt.Sprintf("array of at most %d items", *s.MaxItems)
		case s.MinItems != nil:
			items = fmt.Sprintf("array of at least %d items", *s.MinItems)
		}
		if s.Items != nil {
			items += " of " + limitText(&s.Items.Schema)
		}
		return items
	case spec.KindObject:
		if s.Ref != "" {
			return "object " + s.Ref
		}
	}
	return string(s.Type)
}

// groupImports puts the standard library imports first, then a blank line
// and the others, as goimports does.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	body := start + len("\nimport (\n")
	end := bytes.Index(src[body:], []byte("\n)\n"))
	if end < 0 {
		return src
	}
	var std, other []string
	for _, l := range strings.Split(string(src[body:body+end]), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		p := l[strings.Index(l, `"`)+1:]
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			other = append(other, l)
		} else {
			std = append(std, l)
		}
	}
	// jennifer's output is gofmt'd already, and so is a block of one spec
	// per line, tab-indented, sorted by path within each group: no second
	// go/format pass (it took a third of the generation time).
	byPath := func(a, b string) int { return strings.Compare(importPath(a), importPath(b)) }
	slices.SortFunc(std, byPath)
	slices.SortFunc(other, byPath)
	var block strings.Builder
	for i, l := range append(std, other...) {
		if i > 0 {
			block.WriteByte('\n')
			if i == len(std) {
				block.WriteByte('\n')
			}
		}
		block.WriteByte('\t')
		block.WriteString(l)
	}
	out := make([]byte, 0, body+block.Len()+len(src)-(body+end))
	return append(append(append(out, src[:body]...), block.String()...), src[body+end:]...)
}

// importPath is the path of an import spec line: `alias "path"` or `"path"`.
func importPath(spec string) string {
	return spec[strings.Index(spec, `"`):]
}

// oneLine joins doc text into one line.
func oneLine(s string) string { return strings.Join(ir.Lines(s), " ") }

// docFile is a *jen.File whose Comment calls collect one doc comment,
// written out wrapped (by doc) before the next declaration: emitters that
// assemble a comment piece by piece still get the one renderer. A piece
// starting with Note:, Source:, Doc page:, Requires or a bullet starts a
// line of its own; Comment("") starts a paragraph; other pieces continue
// the current line.
type docFile struct {
	*jen.File
	text docText
}

func (f *docFile) Comment(s string) *jen.Statement { f.text.add(s); return nil }

func (f *docFile) Commentf(format string, args ...any) *jen.Statement {
	f.text.add(fmt.Sprintf(format, args...))
	return nil
}

func (f *docFile) Func() *jen.Statement  { f.text.flush(f.File, 0); return f.File.Func() }
func (f *docFile) Type() *jen.Statement  { f.text.flush(f.File, 0); return f.File.Type() }
func (f *docFile) Const() *jen.Statement { f.text.flush(f.File, 0); return f.File.Const() }
func (f *docFile) Var() *jen.Statement   { f.text.flush(f.File, 0); return f.File.Var() }

// docGroup is docFile for the members of a const or var group.
type docGroup struct {
	*jen.Group
	text docText
}

func (g *docGroup) Comment(s string) *jen.Statement { g.text.add(s); return nil }

func (g *docGroup) Commentf(format string, args ...any) *jen.Statement {
	g.text.add(fmt.Sprintf(format, args...))
	return nil
}

func (g *docGroup) Id(name string) *jen.Statement { g.text.flush(g.Group, 1); return g.Group.Id(name) }

// docText is a doc comment being assembled: paragraphs of lines.
type docText struct{ paras []string }

func (d *docText) add(s string) {
	switch {
	case s == "":
		d.paras = append(d.paras, "")
	case len(d.paras) == 0:
		d.paras = append(d.paras, s)
	case d.paras[len(d.paras)-1] == "":
		d.paras[len(d.paras)-1] = s
	case startsLine(s):
		d.paras[len(d.paras)-1] += "\n" + s
	default:
		d.paras[len(d.paras)-1] += " " + s
	}
}

func startsLine(s string) bool {
	for _, p := range []string{"Note:", "Source:", "Doc page:", "Requires", "●", "\t"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (d *docText) flush(g commenter, indent int) {
	if len(d.paras) > 0 {
		doc(g, indent, d.paras...)
		d.paras = nil
	}
}

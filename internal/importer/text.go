package importer

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one line of page text: its 1-based number in the input, its
// indentation (when the copy kept any) and its trimmed text.
type line struct {
	no     int
	indent int
	text   string
}

// MaxInput bounds the text one import reads: a doc page is tens of kilobytes.
const MaxInput = 4 << 20

var (
	errEmpty  = errors.New("the input is empty: paste the text of a WeChat Pay doc page")
	errBinary = errors.New("the input is binary, not the text of a doc page")
)

// readLines normalises what a browser copy varies in (line ends, odd spaces,
// invalid UTF-8) and returns the non-blank lines. Collapsed pages, where a
// whole table sits on one line, are split at the marks that begin cells.
func readLines(input []byte) ([]line, error) {
	if len(input) > MaxInput {
		return nil, fmt.Errorf("the input is %d bytes, more than the %d a doc page can be", len(input), MaxInput)
	}
	if bytes.IndexByte(input, 0) >= 0 {
		return nil, errBinary
	}
	s := strings.ToValidUTF8(string(input), "\uFFFD")
	if control(s) {
		return nil, errBinary
	}
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u00a0", " ", "\u3000", " ", "\u200b", "", "\ufeff", "", "\t", "    ").Replace(s)
	var out []line
	for i, raw := range strings.Split(s, "\n") {
		for _, part := range splitCollapsed(raw) {
			t := strings.TrimSpace(part)
			if t == "" {
				continue
			}
			indent := len(part) - len(strings.TrimLeft(part, " "))
			out = append(out, line{no: i + 1, indent: indent, text: t})
		}
	}
	if len(out) == 0 {
		return nil, errEmpty
	}
	return joinCells(out), nil
}

// control reports text that is mostly control characters or replacement
// characters, which no copied page is.
func control(s string) bool {
	bad, n := 0, 0
	for _, r := range s {
		n++
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t') {
			bad++
		}
	}
	return n > 0 && bad*10 > n
}

var (
	// |||value closes a row with its example in the 2019 layout.
	exampleMark = regexp.MustCompile(`\s*\|\|\|(\S*)`)
	// Table headers of the old layouts, which a collapsed page glues to cells.
	inlineHeader = regexp.MustCompile(`(变量\s+类型\s+必填\s+参数名/描述/示例值\s*-?|参数名\s+变量\s+类型\[长度限制\]\s+必填\s+描述)`)
	// Where a collapsed page glues a heading to the text before it.
	collapsedHeading = regexp.MustCompile(`\s(接口名称\s*:|接口兼容\s*:|接口参数\s|触发场景\s*:|注意\s*:)`)
	// 示例代码 (sample code) after a cell: the code is no part of the cell.
	sampleCode = regexp.MustCompile(`\s示例代码(?:\s|$)`)
	// A numbered section (1.2 wx.navigateToMiniProgram) glued to the code before it.
	numberedSection = regexp.MustCompile(`([;})。])\s+(\d\.\d\s+(?:wx\.|\p{Han}))`)
	mdSeparator     = regexp.MustCompile(`\|(?:\s*:?-{3,}:?\s*\|)+`)
)

// splitCollapsed splits one physical line at the marks that begin cells.
func splitCollapsed(s string) []string {
	if mdSeparator.MatchString(s) {
		return markdownTable(s)
	}
	s = exampleMark.ReplaceAllString(s, "\n示例值:$1\n")
	s = inlineHeader.ReplaceAllString(s, "\n$1\n")
	s = numberedSection.ReplaceAllString(s, "$1\n$2")
	s = sampleCode.ReplaceAllString(s, "\n示例代码\n")
	if utf8.RuneCountInString(s) > 300 { // a whole section on one line
		s = collapsedHeading.ReplaceAllString(s, "\n$1")
	}
	return strings.Split(s, "\n")
}

// markdownTable turns a Markdown table (on one line or several) into a
// header line and one "name type required description" row per table row.
func markdownTable(s string) []string {
	loc := mdSeparator.FindStringIndex(s)
	cols := strings.Count(s[loc[0]:loc[1]], "|") - 1
	before, after := s[:loc[0]], s[loc[1]:]
	// The header is the last cols cells before the separator.
	cells := strings.Split(strings.TrimRight(before, " "), "|")
	if len(cells) < cols+2 {
		return []string{s}
	}
	head := cells[len(cells)-cols-1 : len(cells)-1]
	prefix := strings.Join(cells[:len(cells)-cols-1], "|")
	out := []string{prefix}
	role := make([]string, cols)
	for i, h := range head {
		h = strings.TrimSpace(h)
		switch {
		case strings.Contains(h, "类型") || strings.EqualFold(h, "type"):
			role[i] = "type"
		case strings.Contains(h, "必填") || strings.Contains(h, "必选") || strings.EqualFold(h, "required"):
			role[i] = "req"
		case strings.Contains(h, "说明") || strings.Contains(h, "描述") || strings.EqualFold(h, "description"):
			role[i] = "desc"
		case strings.Contains(h, "变量") || strings.Contains(h, "字段") || strings.EqualFold(h, "name"):
			role[i] = "name"
		case strings.Contains(h, "参数名") || strings.Contains(h, "名称"):
			role[i] = "title"
		}
	}
	if !contains(role, "name") { // 参数名 alone is the wire name
		for i := range role {
			if role[i] == "title" {
				role[i] = "name"
				break
			}
		}
	}
	out = append(out, "参数名 变量 类型 必填 描述") // a header line: a table starts
	rest := strings.TrimSpace(after)
	for strings.HasPrefix(rest, "|") {
		parts := strings.SplitN(rest[1:], "|", cols+1)
		if len(parts) < cols+1 {
			break
		}
		var row [5]string // title name type req desc
		for i := 0; i < cols; i++ {
			v := unescapeMarkdown(strings.TrimSpace(parts[i]))
			switch role[i] {
			case "title":
				row[0] = v
			case "name":
				row[1] = v
			case "type":
				row[2] = v
			case "req":
				row[3] = v
			case "desc":
				row[4] = v
			}
		}
		out = append(out, strings.Join(nonEmpty(row[:]), " "))
		rest = strings.TrimSpace(parts[cols])
	}
	// The table ends here: what follows is no cell of its last row.
	return append(out, endOfTable, rest)
}

// endOfTable is a line the Markdown reader adds after a table.
const endOfTable = "\uE000end of table"

func unescapeMarkdown(s string) string {
	return strings.NewReplacer(`\_`, "_", `\*`, "*", `\|`, "|", `\[`, "[", `\]`, "]").Replace(s)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// joinCells puts a table row whose cells were copied one per line (title,
// wire name, 必填, type, 必填, location, description) back on one line.
// The anchor is a line that is only a type, right after a wire name.
func joinCells(in []line) []line {
	out := make([]line, 0, len(in))
	for i := 0; i < len(in); i++ {
		t := in[i].text
		if !typeCell.MatchString(t) || len(out) == 0 {
			out = append(out, in[i])
			continue
		}
		k := len(out) - 1
		req := ""
		if reqCell.MatchString(out[k].text) && k > 0 && identCell.MatchString(out[k-1].text) {
			req, k = out[k].text, k-1
		}
		if !identCell.MatchString(out[k].text) || typeCell.MatchString(out[k].text) {
			out = append(out, in[i])
			continue
		}
		first := out[k]
		cells := []string{out[k].text}
		if req != "" {
			cells = append(cells, req)
		}
		cells = append(cells, t)
		j := i + 1
		for n := 0; n < 2 && j < len(in) && (reqCell.MatchString(in[j].text) || locCell.MatchString(in[j].text)); n++ {
			cells = append(cells, in[j].text)
			j++
		}
		newLayout := j < len(in) && strings.HasPrefix(in[j].text, "【")
		if j < len(in) && !newLayout && !strings.HasPrefix(in[j].text, "示例值") && !identCell.MatchString(in[j].text) && heading(in[j].text).kind == "" {
			cells = append(cells, in[j].text) // the description cell
			j++
		}
		// The 2022 layout puts the Chinese title in the cell before the name.
		if !newLayout && k > 0 && titleCell(out[k-1].text) {
			cells = append([]string{out[k-1].text}, cells...)
			first = out[k-1]
			k--
		}
		out = append(out[:k], line{no: first.no, indent: first.indent, text: strings.Join(cells, " ")})
		i = j - 1
	}
	return out
}

var (
	typeCell  = regexp.MustCompile(`^` + typePattern + `$`)
	reqCell   = regexp.MustCompile(`^(?:是|否|Y|N|必填|选填|可选|二选一)$`)
	locCell   = regexp.MustCompile(`^(?:body|query|path)$`)
	identCell = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// titleCell reports a cell that can be a Chinese parameter title: short,
// with Han characters, and not a sentence or a heading.
func titleCell(s string) bool {
	if utf8.RuneCountInString(s) > 30 || strings.ContainsAny(s, "。，,;；:：【") || strings.HasPrefix(s, "示例值") {
		return false
	}
	if heading(s).kind != "" || identCell.MatchString(s) {
		return false
	}
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

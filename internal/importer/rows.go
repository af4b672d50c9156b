package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// param is one parameter row as read from the page, before it becomes YAML.
type param struct {
	line       int
	indent     int
	title      string
	name       string
	rawType    string // as printed: string[1, 32], array[object], int(16)
	typ        string // string, integer, boolean, object, array ("" when unreadable)
	itemType   string // for arrays: object, string, integer, boolean
	minLen     *int
	maxLen     *int
	required   *bool
	reqText    string // the 必填 cell as printed
	in         string
	desc       []string
	example    string
	hasEx      bool
	enum       []enumValue
	enumListed bool // the values came from a 可选取值 list, not from prose
	constVal   string
	format     string // set where the page's structure says it (a query-string carrier)
	opens      bool   // nested rows follow (属性 block, sub-table)
	plus       bool   // printed with the + of an expandable row
	children   []*param
	todos      []note
	inSection  string // where it was read: request, response, ...
}

type enumValue struct{ value, desc string }

// note is a TODO for the reviewer, shown on the line of key.
type note struct{ key, text string }

func (p *param) todo(format string, args ...any) { p.todoAt("name", format, args...) }

func (p *param) todoAt(key, format string, args ...any) {
	p.todos = append(p.todos, note{key: key, text: sprintf(format, args...)})
}

// typePattern matches the type cell of every layout: string[1, 32],
// string(32), int(16), integer, boolean, object, Object, array[object].
const typePattern = `(?:(?i:array|list)\s*\[[^\]]{0,40}\]|(?i:string|integer|int32|int64|int|long|number|boolean|bool|object|array|list)(?:\s*(?:\[\s*\d+\s*(?:,\s*\d+\s*)?\]|\(\s*\d+\s*(?:,\s*\d+\s*)?\)))?)`

var (
	rowRe = regexp.MustCompile(`^(\+\s*)?(?:(\S.*?)\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+(?:(必填|选填|可选|是|否)\s+)?(` + typePattern + `)(.*)$`)
	// The 必填 cell after the type, then the location the 2022 layout glues to the description.
	reqAfter = regexp.MustCompile(`^(是|否|Y|N|必填|选填|可选|二选一)(?:\s+|$)`)
	locStart = regexp.MustCompile(`^(body|query|path)`)
	lenRange = regexp.MustCompile(`[\[(]\s*(\d+)\s*(?:,\s*(\d+)\s*)?[\])]`)
)

// parseRow reads a table row, or returns nil when the line is not one.
func parseRow(l line, section string) *param {
	m := rowRe.FindStringSubmatch(l.text)
	if m == nil {
		return nil
	}
	plus, title, name, req1, typ, tail := m[1] != "", strings.TrimSpace(m[2]), m[3], m[4], m[5], m[6]
	if typeCell.MatchString(name) {
		return nil // "Object object": a caption, not a parameter
	}
	if tail != "" {
		if r, _ := utf8.DecodeRuneInString(tail); r < utf8.RuneSelf && !unicode.IsSpace(r) {
			return nil // the type runs on into a word: "stringify", "objects"
		}
	}
	tail = strings.TrimSpace(tail)
	title = strings.TrimSpace(strings.TrimPrefix(title, "+"))
	if title != "" && (utf8.RuneCountInString(title) > 40 || strings.ContainsAny(title, "。；;=") || strings.HasPrefix(title, "示例值")) {
		return nil
	}
	p := &param{line: l.no, indent: l.indent, title: title, name: name, rawType: typ, plus: plus, inSection: section}
	req := req1
	if req == "" {
		if r := reqAfter.FindStringSubmatch(tail); r != nil {
			req = r[1]
			tail = strings.TrimSpace(tail[len(r[0]):])
		}
	}
	hasLen := lenRange.MatchString(typ)
	objectish := strings.HasPrefix(strings.ToLower(typ), "object") || strings.HasPrefix(strings.ToLower(typ), "array")
	// A prose line can read "使用URL的query string": without a length, a
	// 必填 cell, a + or a line of its own, a titled match is not a row.
	if title != "" && !hasLen && req == "" && !plus && !objectish {
		return nil
	}
	p.reqText = req
	switch req {
	case "是", "Y", "必填":
		p.required = ptr(true)
	case "否", "N", "选填", "可选":
		p.required = ptr(false)
	case "二选一":
		p.required = ptr(false)
		p.todo("the 必填 column says 二选一 (one of two): add a one_of group (callbacks) or an exactly_one_of rule naming the other field")
	}
	if section == "request" {
		if lm := locStart.FindString(tail); lm != "" {
			p.in = lm
			tail = strings.TrimSpace(tail[len(lm):])
		}
	}
	if tail != "" {
		p.desc = append(p.desc, tail)
	}
	p.readType()
	return p
}

// readType fills typ and the length limits from the printed type; it never
// makes up a limit the page does not print.
func (p *param) readType() {
	raw := p.rawType
	lower := strings.ToLower(raw)
	base := lower
	if i := strings.IndexAny(base, "[( "); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "string":
		p.typ = "string"
	case "integer", "int", "int32", "int64", "long", "number":
		p.typ = "integer"
	case "boolean", "bool":
		p.typ = "boolean"
	case "object":
		p.typ = "object"
	case "array", "list":
		p.typ = "array"
		if m := regexp.MustCompile(`\[\s*([A-Za-z]+)`).FindStringSubmatch(lower); m != nil {
			switch m[1] {
			case "object":
				p.itemType = "object"
			case "string":
				p.itemType = "string"
			case "int", "integer", "int64", "long":
				p.itemType = "integer"
			case "boolean", "bool":
				p.itemType = "boolean"
			}
		}
		if p.itemType == "" {
			p.todoAt("type", "the type %q does not say what the array holds", raw)
		}
		if m := lenRange.FindStringSubmatch(strings.TrimPrefix(lower, "array")); m != nil && p.itemType == "string" {
			p.setLengths(m)
		}
		return
	}
	m := lenRange.FindStringSubmatch(raw)
	if m == nil {
		return
	}
	if p.typ != "string" {
		p.todoAt("type", "the type is printed %q; what the number limits for a %s is not clear, so no bound is set", raw, p.typ)
		return
	}
	p.setLengths(m)
}

// setLengths reads [min, max] (both printed) or (max) / [max] (only an upper bound).
func (p *param) setLengths(m []string) {
	a, _ := strconv.Atoi(m[1])
	if m[2] != "" {
		b, _ := strconv.Atoi(m[2])
		p.minLen, p.maxLen = &a, &b
		return
	}
	p.maxLen = &a
}

func ptr[T any](v T) *T { return &v }

var (
	// UNAVAILABLE: 用户未授权服务 / 1、USER_OPEN_SERVICE:授权成功 / DEPOSIT: 押金
	enumLine = regexp.MustCompile(`^(?:\d+\s*[、.．)]\s*)?([A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)*)\s*[:：]\s*(\S.*)$`)
	// 1、授权成功通知的类型为PAYSCORE.USER_OPEN_SERVICE
	enumNumbered = regexp.MustCompile(`^\d+\s*[、.．]\s*(.*?([A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)+|[A-Z][A-Z0-9]*_[A-Z0-9_]+))\s*$`)
	// 枚举值:A、B、C(其中A>B>C)
	enumInline = regexp.MustCompile(`枚举值\s*[:：]\s*([A-Za-z0-9_]+(?:\s*[、,，/]\s*[A-Za-z0-9_]+)+)`)
	constRe    = regexp.MustCompile(`固定配置\s*[:：]\s*([A-Za-z0-9_./-]+)`)
)

// readDescription finds enum values and a fixed value in the description.
func (p *param) readDescription() {
	if p.typ != "string" || p.enumListed {
		return
	}
	seen := map[string]bool{}
	add := func(v, d string) {
		if !seen[v] {
			seen[v] = true
			p.enum = append(p.enum, enumValue{value: v, desc: strings.TrimSpace(d)})
		}
	}
	for _, d := range p.desc {
		if m := enumLine.FindStringSubmatch(d); m != nil {
			add(m[1], m[2])
		} else if m := enumNumbered.FindStringSubmatch(d); m != nil {
			add(m[2], m[1])
		}
		if m := enumInline.FindStringSubmatch(d); m != nil {
			for _, v := range regexp.MustCompile(`\s*[、,，/]\s*`).Split(m[1], -1) {
				add(v, d)
			}
		}
		if m := constRe.FindStringSubmatch(d); m != nil && p.constVal == "" {
			p.constVal = strings.TrimRight(m[1], ".")
		}
	}
	if len(p.enum) == 1 {
		// One value is a fixed value said in a list's words, or a stray
		// UPPER: prefix; either way not an enum the page declares.
		p.enum = nil
	}
}

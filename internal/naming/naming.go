// Package naming turns spec names (snake_case wire names, event types, error
// codes) into Go identifiers. The generator and the spec checks share it so
// that a name collision is caught in `payscoregen check`, not by the compiler.
package naming

import (
	"strings"
	"unicode"
)

// initialisms are words written in capitals in Go names. The WeChat wire
// names glue some of them to other words (appid, mchid, openid): those are
// listed whole so that sub_appid becomes SubAppID.
var initialisms = map[string]string{
	"id":     "ID",
	"url":    "URL",
	"api":    "API",
	"json":   "JSON",
	"http":   "HTTP",
	"https":  "HTTPS",
	"md5":    "MD5",
	"appid":  "AppID",
	"mchid":  "MchID",
	"openid": "OpenID",
	"jsapi":  "JSAPI",
	"sdk":    "SDK",
	"uri":    "URI",
	"ip":     "IP",
	"rfc":    "RFC",
	"utf8":   "UTF8",
}

// Go returns the exported Go name of a wire name: service_id -> ServiceID,
// businessType -> BusinessType, PAYSCORE.USER_OPEN_SERVICE -> PayscoreUserOpenService.
func Go(name string) string {
	var b strings.Builder
	for _, w := range Words(name) {
		lw := strings.ToLower(w)
		if ini, ok := initialisms[lw]; ok {
			b.WriteString(ini)
			continue
		}
		r := []rune(lw)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	s := b.String()
	if s == "" || !unicode.IsLetter([]rune(s)[0]) {
		s = "X" + s
	}
	return s
}

// Unexported returns Go(name) with its first word lower-cased: service_id -> serviceID.
func Unexported(name string) string {
	g := Go(name)
	words := Words(name)
	if len(words) == 0 {
		return g
	}
	first := Go(words[0])
	return strings.ToLower(first) + g[len(first):]
}

// Words splits a name at underscores, dots, dashes, spaces and lower-to-upper
// case changes (businessType -> business, Type). An all-caps word stays whole.
func Words(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case r == '_' || r == '.' || r == '-' || r == ' ' || r == '/':
			flush()
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// IsSnake reports whether s is a lower snake_case identifier.
func IsSnake(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// IsGoIdent reports whether s is a valid exported Go identifier.
func IsGoIdent(s string) bool {
	for i, r := range s {
		if i == 0 && !unicode.IsUpper(r) {
			return false
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			return false
		}
	}
	return s != ""
}

// SharedPrefix returns the leading snake_case words all ids share, joined
// with "_": confirm_order_navigate and confirm_order_open_business_view give
// confirm_order; ids with nothing in common give "".
func SharedPrefix(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	words := strings.Split(ids[0], "_")
	for _, id := range ids[1:] {
		other := strings.Split(id, "_")
		n := 0
		for n < len(words) && n < len(other) && words[n] == other[n] {
			n++
		}
		words = words[:n]
	}
	return strings.Join(words, "_")
}

// Derivable reports whether Go(name) is a fair exported Go name for name:
// the name is ASCII letters, digits and separators and starts with a letter.
// Other names (服务, 1st, "") need an explicit go_name.
func Derivable(name string) bool {
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return false
	}
	for _, r := range name {
		if r >= 0x80 {
			return false
		}
	}
	return IsGoIdent(Go(name))
}

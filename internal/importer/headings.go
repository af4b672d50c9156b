package importer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// headingInfo classifies a line that starts a part of the page.
type headingInfo struct {
	kind string // "" when the line is no heading
	arg  string
}

var (
	locHeading    = regexp.MustCompile(`^(path|query|body|[Hh]eader)\s+(路径参数|查询参数|包体参数|HTTP头参数|请求头参数)$`)
	tableHeader   = regexp.MustCompile(`^(参数名\s+变量\s+类型|变量\s+类型\s+必填|字段名称\s|参数名\s+类型)`)
	statusHeading = regexp.MustCompile(`^(200|204)(\s*(OK|No Content|处理成功.*))?$`)
	jumpSection   = regexp.MustCompile(`^\d\.\d\s+(wx\.\w+|openBusinessView|WXOpenBusinessView)`)
)

// heading recognises the section headings of both layouts.
func heading(t string) headingInfo {
	short := utf8.RuneCountInString(t) <= 40
	switch {
	case t == endOfTable:
		return headingInfo{kind: "prose"}
	case t == "参数名" || t == "变量":
		return headingInfo{kind: "header"}
	case t == "类型[长度限制]" || t == "类型" || t == "必填" || t == "描述" || t == "参数名/描述/示例值" || t == "-":
		return headingInfo{kind: "headercell"}
	case tableHeader.MatchString(t):
		return headingInfo{kind: "header"}
	case t == "属性" || t == "属性:":
		return headingInfo{kind: "attrs"}
	case t == "可选取值" || t == "可选取值:":
		return headingInfo{kind: "values"}
	case short && strings.HasPrefix(t, "请求参数"):
		return headingInfo{kind: "request"}
	case short && (strings.HasPrefix(t, "返回参数") || strings.HasPrefix(t, "应答参数") || strings.HasPrefix(t, "## 返回参数")):
		return headingInfo{kind: "response"}
	case strings.HasPrefix(t, "## 返回参数"):
		return headingInfo{kind: "response"}
	case locHeading.MatchString(t):
		m := locHeading.FindStringSubmatch(t)
		return headingInfo{kind: "loc", arg: strings.ToLower(m[1])}
	case t == "通知参数":
		return headingInfo{kind: "notify"}
	case short && strings.HasSuffix(t, "通知参数"):
		return headingInfo{kind: "plaintext"}
	case t == "通知应答":
		return headingInfo{kind: "ack"}
	case short && strings.HasPrefix(t, "接口参数"):
		return headingInfo{kind: "params"}
	case short && (strings.Contains(t, "返回商家侧") || strings.Contains(t, "返回商户侧")):
		return headingInfo{kind: "returns"}
	case t == "公共错误码":
		return headingInfo{kind: "errors", arg: "common"}
	case short && strings.HasPrefix(t, "错误码"):
		if strings.Contains(t, "公共") {
			return headingInfo{kind: "errors", arg: "common"}
		}
		return headingInfo{kind: "errors"}
	case t == "请求示例":
		return headingInfo{kind: "example", arg: "request"}
	case t == "返回示例" || t == "应答示例":
		return headingInfo{kind: "example", arg: "response"}
	case t == "回调示例":
		return headingInfo{kind: "example", arg: "callback"}
	case t == "示例代码" || strings.HasSuffix(t, "资源对象示例"):
		return headingInfo{kind: "example", arg: "code"}
	case statusHeading.MatchString(t):
		return headingInfo{kind: "status", arg: t[:3]}
	case jumpSection.MatchString(t):
		return headingInfo{kind: "jumpsection"}
	case t == "接口说明" || t == "简介" || t == "通知规则" || t == "通知报文" || t == "通知签名" || t == "版本说明" ||
		strings.HasPrefix(t, "接口兼容") || t == "请求头" || t == "应答头":
		return headingInfo{kind: "prose"}
	}
	return headingInfo{}
}

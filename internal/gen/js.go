package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/payscoregen/payscoregen/internal/ir"
	"github.com/payscoregen/payscoregen/templates"
)

// jsRuntime is the name of the shared JS runtime module the package modules require.
const jsRuntime = "payscoregen"

// jsData is the template data of a package's JS helper: the IR's module,
// with the header and the doc pages as text.
type jsData struct {
	*ir.JSModule
	Header string
	Pages  []string
}

// emitJS renders the mini-program JS helper of a package from templates/:
// js/<package>.js (CommonJS, so both mini programs and node --test can
// require it) and js/<package>.d.ts, beside the shared runtime module.
func emitJS(p *ir.Package) (Files, error) {
	if p.JS == nil {
		return nil, nil
	}
	m := &jsData{JSModule: p.JS, Header: Header}
	for _, f := range p.JS.Pages {
		m.Pages = append(m.Pages, pageLine(f))
	}
	tmpl, err := template.New("js").Funcs(template.FuncMap{
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join": strings.Join,
	}).ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("js: templates: %w", err)
	}
	out := Files{}
	// The package module and, beside it, the runtime it requires. Every
	// package writes the same runtime bytes, so the tree holds it once.
	for _, f := range []struct{ tmpl, path string }{
		{"helper.js.tmpl", p.Name + ".js"},
		{"helper.d.ts.tmpl", p.Name + ".d.ts"},
		{"runtime.js.tmpl", jsRuntime + ".js"},
		{"runtime.d.ts.tmpl", jsRuntime + ".d.ts"},
	} {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, f.tmpl, m); err != nil {
			return nil, fmt.Errorf("js: %s: %w", f.tmpl, err)
		}
		out["js/"+f.path] = bytes.Clone(buf.Bytes()) // the exact size: every file is held until written
	}
	return out, nil
}

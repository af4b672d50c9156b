package console

import (
	"fmt"
	"html/template"
)

// pageNames are the page templates; each is parsed with layout.html.
var pageNames = []string{"overview", "authorizations", "orders", "deliveries", "faults", "jumps"}

func parsePages() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

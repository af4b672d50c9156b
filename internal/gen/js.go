package gen

// jsEmitter renders the mini-program JS helper from templates/.
type jsEmitter struct{}

func (jsEmitter) emitText(p *Package) (Files, error) { return nil, nil }

package validate

// Hand-written format checks instead of time.Parse: time.Parse allocates a
// *time.Location for offsets that are not whole hours, and the valid path
// must not allocate. format_test.go checks that everything accepted here is
// also accepted by time.Parse, so runtime/wxtime can always decode it.

func validFormat(format, s string) bool {
	switch format {
	case FormatRFC3339:
		return isRFC3339(s)
	case FormatChinaTime:
		return isChinaTime(s)
	case FormatUnixSeconds:
		return isUnixSeconds(s)
	case FormatChinaDate:
		return isChinaDate(s)
	}
	panic("validate: unknown format " + format)
}

// anyFormat reports whether s is in one of formats or is one of literals.
func anyFormat(formats, literals []string, s string) bool {
	for _, l := range literals {
		if s == l {
			return true
		}
	}
	for _, f := range formats {
		if validFormat(f, s) {
			return true
		}
	}
	return false
}

// isChinaDate accepts yyyyMMdd.
func isChinaDate(s string) bool {
	return len(s) == 8 && allDigits(s) && validDateTime(num(s[0:4]), num(s[4:6]), num(s[6:8]), 0, 0, 0)
}

// isChinaTime accepts yyyyMMddHHmmss.
func isChinaTime(s string) bool {
	return len(s) == 14 && allDigits(s) &&
		validDateTime(num(s[0:4]), num(s[4:6]), num(s[6:8]), num(s[8:10]), num(s[10:12]), num(s[12:14]))
}

// isRFC3339 accepts yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm).
func isRFC3339(s string) bool {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	for _, p := range [...]string{s[0:4], s[5:7], s[8:10], s[11:13], s[14:16], s[17:19]} {
		if !allDigits(p) {
			return false
		}
	}
	if !validDateTime(num(s[0:4]), num(s[5:7]), num(s[8:10]), num(s[11:13]), num(s[14:16]), num(s[17:19])) {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 1 {
			return false
		}
		rest = rest[i:]
	}
	if rest == "Z" {
		return true
	}
	return len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		allDigits(rest[1:3]) && allDigits(rest[4:6]) && num(rest[1:3]) < 24 && num(rest[4:6]) < 60
}

// isUnixSeconds accepts 1 to 10 digits.
func isUnixSeconds(s string) bool {
	return len(s) >= 1 && len(s) <= 10 && allDigits(s)
}

func validDateTime(year, month, day, hour, minute, second int) bool {
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year) &&
		hour < 24 && minute < 60 && second < 60
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// num parses a short run of digits already checked by allDigits.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

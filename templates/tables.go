package templates

import (
	"strconv"
)

// Num formats a figure the way the structured content has it (the shortest
// decimal that reads back as the same number, never an exponent), so a
// table and its JSON agree digit for digit.
func Num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Share is part's share of total as a percentage with one decimal ("" when
// total is 0).
func Share(part, total float64) string {
	if total == 0 {
		return ""
	}
	return strconv.FormatFloat(100*part/total, 'f', 1, 64) + "%"
}

// ShareRows builds table rows of keys and values, each with its share of
// the values' sum, and returns that sum formatted. additive false (rates,
// averages, retention) leaves shares and total empty.
func ShareRows(keys []string, values []float64, additive bool) ([]MetricRow, string) {
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	rows := make([]MetricRow, len(values))
	for i, v := range values {
		rows[i] = MetricRow{Key: keys[i], Value: Num(v)}
		if additive {
			rows[i].Share = Share(v, sum)
		}
	}
	if !additive {
		return rows, ""
	}
	return rows, Num(sum)
}

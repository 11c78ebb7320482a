"""Numbers on Chinese pages: "300,000 平方米", grouped in thousands with commas as in official
statistics, where Django's own zh_Hans formats group by ten thousand without a separator."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

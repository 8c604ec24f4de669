"""研判 and supervision: dispositions, deadlines in working days, routing between the three levels."""

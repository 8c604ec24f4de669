"""台账: the ledger page, the Excel export and the 挂图作业 chart."""

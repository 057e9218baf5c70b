"""Every write of legal interventions: notices to improve (`nti`) and penalty notice
requests, notices and alternatives (`notices`)."""

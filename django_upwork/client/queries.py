"""The GraphQL documents sent to Upwork, with Upwork's own spelling of every name."""

MONEY = "{ rawValue currency displayValue }"

SEARCH_NODE_FIELDS = f"""
    id ciphertext title description
    createdDateTime publishedDateTime renewedDateTime
    duration durationLabel engagement experienceLevel category subcategory
    totalApplicants applied premium enterprise freelancersToHire hourlyBudgetType
    amount {MONEY} hourlyBudgetMin {MONEY} hourlyBudgetMax {MONEY} weeklyBudget {MONEY}
    engagementDuration {{ id label weeks }}
    skills {{ name prettyName highlighted }}
    occupations {{ category {{ id prefLabel }} subCategories {{ id prefLabel }} }}
    client {{
      totalHires totalPostedJobs totalReviews totalFeedback verificationStatus
      totalSpent {MONEY}
      location {{ city country state timezone offsetToUTC }}
    }}
"""

SEARCH_OPERATION = "SearchJobs"
SEARCH_JOB_POSTINGS = f"""
query SearchJobs(
  $filter: MarketplaceJobPostingsSearchFilter
  $sort: [MarketplaceJobPostingSearchSortAttribute]
) {{
  marketplaceJobPostingsSearch(
    marketPlaceJobFilter: $filter
    searchType: USER_JOBS_SEARCH
    sortAttributes: $sort
  ) {{
    totalCount
    edges {{ cursor node {{ {SEARCH_NODE_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

JOB_POSTING_OPERATION = "JobPosting"
JOB_POSTING = f"""
query JobPosting($id: ID!) {{
  marketplaceJobPosting(id: $id) {{
    id
    workFlowState {{ status closeResult }}
    content {{ title description }}
    classification {{
      category {{ id preferredLabel }}
      subCategory {{ id preferredLabel }}
    }}
    contractTerms {{
      contractType personsToHire experienceLevel
      fixedPriceContractTerms {{
        amount {MONEY} maxAmount {MONEY} engagementDuration {{ label weeks }}
      }}
      hourlyContractTerms {{
        engagementType notSureProjectDuration hourlyBudgetType hourlyBudgetMin hourlyBudgetMax
        engagementDuration {{ label weeks }}
      }}
    }}
    contractorSelection {{
      proposalRequirement {{ coverLetterRequired screeningQuestions {{ question sequenceNumber }} }}
      qualification {{ englishProficiency risingTalent hasPortfolio jobSuccessScore hoursWorked }}
      location {{ countries timezones }}
    }}
    clientCompanyPublic {{
      id city state timezone
      country {{ name twoLetterAbbreviation }}
      paymentVerification {{ status paymentVerified }}
    }}
  }}
}}
"""
